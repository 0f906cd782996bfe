using Console.Workflows.Common;
using Microsoft.AspNetCore.Components.Forms;

namespace Console.Web.Components.Shared;

/// <summary>
/// The messages an edit form shows under its fields: the form's own required checks and the server's
/// <see cref="Refusal.FieldErrors"/>, both in one <see cref="ValidationMessageStore"/> so MudBlazor inputs bound with
/// <c>For</c> display them. A field's messages go away as soon as the user changes that field.
/// </summary>
public sealed class FormMessages : IDisposable
{
    private readonly EditContext _context;
    private readonly ValidationMessageStore _store;

    public FormMessages(EditContext context)
    {
        _context = context;
        _store = new ValidationMessageStore(context);
        _context.OnFieldChanged += OnFieldChanged;
    }

    public bool Any => _context.GetValidationMessages().Any();

    /// <summary>Adds <paramref name="message"/> for the field when <paramref name="present"/> is false.</summary>
    public void Require(object model, string field, bool present, string message)
    {
        if (!present)
            _store.Add(new FieldIdentifier(model, field), message);
    }

    public IEnumerable<string> For(object model, string field) =>
        _context.GetValidationMessages(new FieldIdentifier(model, field));

    public void Clear()
    {
        _store.Clear();
        _context.NotifyValidationStateChanged();
    }

    public void Clear(object model, string field)
    {
        _store.Clear(new FieldIdentifier(model, field));
        _context.NotifyValidationStateChanged();
    }

    /// <summary>Makes the messages added since the last call visible.</summary>
    public void Show() => _context.NotifyValidationStateChanged();

    /// <summary>
    /// Puts each of the refusal's field messages under the field <paramref name="fieldFor"/> maps its key to.
    /// Returns the keys it placed; the caller shows the others (keys no input stands for) elsewhere.
    /// </summary>
    public IReadOnlySet<string> Show(Refusal refusal, Func<string, FieldIdentifier?> fieldFor)
    {
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, messages) in refusal.FieldErrors)
        {
            if (fieldFor(key) is not { } field)
                continue;
            _store.Add(field, messages);
            placed.Add(key);
        }

        _context.NotifyValidationStateChanged();
        return placed;
    }

    public void Dispose() => _context.OnFieldChanged -= OnFieldChanged;

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e)
    {
        _store.Clear(e.FieldIdentifier);
        _context.NotifyValidationStateChanged();
    }
}
