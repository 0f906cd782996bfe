namespace Console.Web.Identity;

/// <summary>
/// A person who may sign in through the built-in identity provider. Only the embedded default uses these;
/// with Entra ID, people and their app roles live in the tenant.
/// </summary>
public sealed class ConsoleUser
{
    /// <summary>The user name, lower case; also the subject identifier in tokens.</summary>
    public string Id { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    /// <summary>Groups (e.g. a trust domain's owner group such as "noc-core"); sent in the "groups" claim.</summary>
    public List<string> Groups { get; set; } = [];

    public string PasswordHash { get; set; } = "";

    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
