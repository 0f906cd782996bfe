namespace Console.Workflows.Inventory;

public sealed record TrustDomainRegistered(
    Guid TrustDomainId, string Name, string OwnerGroup, string Description, string By, DateTimeOffset At);

public sealed record TrustDomainChanged(
    Guid TrustDomainId, string Name, string OwnerGroup, string Description, string By, DateTimeOffset At);

public sealed partial record TrustDomain
{
    public static TrustDomain Create(TrustDomainRegistered e) => new(e.TrustDomainId, e.Name, e.OwnerGroup, e.Description);

    public TrustDomain Apply(TrustDomainChanged e) =>
        this with { Name = e.Name, OwnerGroup = e.OwnerGroup, Description = e.Description };
}
