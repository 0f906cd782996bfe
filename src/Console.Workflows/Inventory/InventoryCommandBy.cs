using Console.Workflows.Common;

namespace Console.Workflows.Inventory;

/// <summary>
/// An inventory command with the administrator who gave it: a lost race is a conflict on the item, and a name another
/// writer claimed between the look-up and the commit (the unique index) is a field message.
/// </summary>
public abstract record InventoryCommandBy(Actor Actor, string What, string NameField) : ICommandBy
{
    public abstract string Resource { get; }

    public string ConflictMessage => InventoryGuards.Conflict(What);

    public Refusal? RefusalFor(Exception commitFailure) =>
        Concurrency.IsUniqueViolation(commitFailure) ? InventoryGuards.NameInUse(NameField, What) : null;
}
