namespace Console.Workflows.Inventory;

internal static class EnvironmentRules
{
    public static FieldErrors Validate(
        string name, EnvironmentKind kind, string location, TrustLevel trustLevel, AttestationStatus attestation, bool nameTaken)
    {
        var errors = new FieldErrors()
            .Text("Name", name, "Name", InventoryLimits.NameMaxLength)
            .Defined("Kind", kind, "kind of environment")
            .Text("Location", location, "Location", InventoryLimits.LocationMaxLength)
            .Defined("TrustLevel", trustLevel, "trust level")
            .Defined("AttestationStatus", attestation, "attestation status");
        if (nameTaken && name.Length > 0)
            errors.Add("Name", "Another environment already has this name.");
        return errors;
    }

    public static FieldErrors OperatorDomain(this FieldErrors errors, Guid? operatorDomainId, IReadOnlySet<Guid>? trustDomainIds)
    {
        if (operatorDomainId is { } id && (trustDomainIds is null || !trustDomainIds.Contains(id)))
            errors.Add("OperatorDomainId", "Choose a trust domain that exists.");
        return errors;
    }
}
