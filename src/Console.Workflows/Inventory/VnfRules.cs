namespace Console.Workflows.Inventory;

/// <summary>One row of a VNF's component list as the form sends it. <c>Id</c> is null for a component being added.</summary>
public sealed record ComponentDraft(Guid? Id, string Name, Sensitivity Sensitivity, Guid TrustDomainId);

/// <summary>What a VNF decision needs to know about the rest of the inventory; looked up by the handler.</summary>
public sealed record VnfReferences(bool NameTaken, IReadOnlySet<Guid> EnvironmentIds, IReadOnlySet<Guid> TrustDomainIds);

/// <summary>A VNF's fields after cleaning, with every component holding an id.</summary>
internal sealed record VnfShape(
    string Name, VnfType Type, string Vendor, string SoftwareVersion, Guid EnvironmentId, IReadOnlyList<VnfComponent> Components);

internal static class VnfRules
{
    /// <summary>Gives new components an id; the handler calls this so the decision itself stays free of id generation.</summary>
    public static IReadOnlyList<ComponentDraft> WithIds(IReadOnlyList<ComponentDraft>? drafts, Func<Guid> newId) =>
        [.. (drafts ?? []).Select(d => d is { Id: null } || d.Id == Guid.Empty ? d with { Id = newId() } : d)];

    public static (VnfShape Shape, FieldErrors Errors) Validate(
        string? name, VnfType type, string? vendor, string? softwareVersion, Guid environmentId,
        IReadOnlyList<ComponentDraft>? components, VnfReferences references)
    {
        var shape = new VnfShape(Text.Clean(name), type, Text.Clean(vendor), Text.Clean(softwareVersion), environmentId, []);
        var errors = new FieldErrors()
            .Text("Name", shape.Name, "Name", InventoryLimits.NameMaxLength)
            .Defined("Type", type, "network function type")
            .Text("Vendor", shape.Vendor, "Vendor", InventoryLimits.VendorMaxLength)
            .Text("SoftwareVersion", shape.SoftwareVersion, "Software version", InventoryLimits.SoftwareVersionMaxLength);
        if (references.NameTaken && shape.Name.Length > 0)
            errors.Add("Name", "Another VNF already has this name.");

        if (environmentId == Guid.Empty)
            errors.Add("EnvironmentId", "Choose the environment the VNF runs in.");
        else if (!references.EnvironmentIds.Contains(environmentId))
            errors.Add("EnvironmentId", "This environment does not exist (any more). Reload and choose another.");

        var drafts = components ?? [];
        if (drafts.Count == 0)
            errors.Add("Components", "A VNF needs at least one component.");
        else if (drafts.Count > InventoryLimits.ComponentsMax)
            errors.Add("Components", $"A VNF can have at most {InventoryLimits.ComponentsMax} components.");

        var cleaned = new List<VnfComponent>(drafts.Count);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ids = new HashSet<Guid>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var prefix = $"Components[{i}]";
            if (draft is null)
            {
                errors.Add(prefix, "This component row is empty.");
                continue;
            }

            var componentName = Text.Clean(draft.Name);
            errors.Text($"{prefix}.Name", componentName, "Component name", InventoryLimits.NameMaxLength)
                .Defined($"{prefix}.Sensitivity", draft.Sensitivity, "sensitivity");
            if (componentName.Length > 0 && !names.Add(componentName))
                errors.Add($"{prefix}.Name", "Another component of this VNF has this name.");

            if (draft.TrustDomainId == Guid.Empty)
                errors.Add($"{prefix}.TrustDomainId", "Choose the component's trust domain.");
            else if (!references.TrustDomainIds.Contains(draft.TrustDomainId))
                errors.Add($"{prefix}.TrustDomainId", "This trust domain does not exist (any more). Reload and choose another.");

            if (draft.Id is not { } id || id == Guid.Empty)
                errors.Add($"{prefix}.Id", "The component has no id; reload the form.");
            else if (!ids.Add(id))
                errors.Add($"{prefix}.Id", "The same component appears twice; reload the form.");
            else
                cleaned.Add(new VnfComponent(id, componentName, draft.Sensitivity, draft.TrustDomainId));
        }

        return (shape with { Components = cleaned }, errors);
    }
}
