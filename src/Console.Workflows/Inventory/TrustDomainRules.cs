namespace Console.Workflows.Inventory;

internal static class TrustDomainRules
{
    public static (string Name, string OwnerGroup, string Description) Clean(string? name, string? ownerGroup, string? description) =>
        (Text.Clean(name), Text.Clean(ownerGroup), Text.Clean(description));

    public static FieldErrors Validate(string name, string ownerGroup, string description, bool nameTaken)
    {
        var errors = new FieldErrors()
            .Text("Name", name, "Name", InventoryLimits.NameMaxLength)
            .Text("OwnerGroup", ownerGroup, "Owner group", InventoryLimits.OwnerGroupMaxLength)
            .Text("Description", description, "Description", InventoryLimits.DescriptionMaxLength, required: false);
        if (nameTaken && name.Length > 0)
            errors.Add("Name", "Another trust domain already has this name.");
        return errors;
    }
}
