using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Verifying;

namespace Console.Web.Components.Pages.Audit;

/// <summary>How the integrity page and the alert banner put kinds of breaks and triggers into words.</summary>
public static class IntegrityText
{
    public static string Kind(IntegrityBreakKind kind) => kind switch
    {
        IntegrityBreakKind.DataChanged => "Event changed",
        IntegrityBreakKind.Missing => "Event deleted",
        IntegrityBreakKind.Unchained => "Event inserted (not in the chain)",
        IntegrityBreakKind.OutOfOrder => "Events reordered",
        IntegrityBreakKind.Swapped => "Two events swapped",
        IntegrityBreakKind.Truncated => "Log truncated",
        IntegrityBreakKind.ChainEntryAltered => "Chain entry altered",
        IntegrityBreakKind.CheckpointSignatureInvalid => "Checkpoint signature invalid",
        IntegrityBreakKind.CheckpointMismatch => "Chain disagrees with a signed checkpoint",
        IntegrityBreakKind.DocumentChanged => "Document edited in the table",
        IntegrityBreakKind.DocumentWithoutEvents => "Document inserted without events",
        IntegrityBreakKind.DocumentMissing => "Document deleted from the table",
        _ => kind.ToString(),
    };

    public static string Trigger(VerificationTrigger trigger) => trigger switch
    {
        VerificationTrigger.Manual => "on request",
        VerificationTrigger.Scheduled => "scheduled",
        VerificationTrigger.CommandLine => "command line",
        VerificationTrigger.ChainWriter => "chain writer",
        _ => trigger.ToString(),
    };

    public static string ShortKey(string? keyId) => keyId is { Length: > 16 } ? keyId[..16] + "…" : keyId ?? "—";
}
