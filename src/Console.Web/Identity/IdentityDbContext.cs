using Microsoft.EntityFrameworkCore;

namespace Console.Web.Identity;

/// <summary>OpenIddict's applications, authorizations, scopes and tokens, in their own schema next to Marten's.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public const string Schema = "identity";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        base.OnModelCreating(modelBuilder);
    }
}
