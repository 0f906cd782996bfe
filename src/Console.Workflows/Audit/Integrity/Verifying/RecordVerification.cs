using Console.Workflows.Common;

namespace Console.Workflows.Audit.Integrity.Verifying;

/// <summary>Who may run verification and see the integrity page: security officers and auditors.</summary>
public static class IntegrityGuards
{
    public static Refusal? MayVerify(Actor actor) => CommandRoles.Check(ConsoleCommand.VerifyIntegrity, actor);
}

/// <summary>Turns a finished run into the event that records it on the integrity stream.</summary>
public static class RecordVerificationDecider
{
    public static object Decide(VerificationReport report, Guid runId, VerificationTrigger trigger, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(actor);
        var seconds = Math.Round(report.Elapsed.TotalSeconds, 3);
        return report.FirstBreak is { } first
            ? new IntegrityVerificationFailed(runId, trigger, first, report.BreaksFound, report.EntriesChecked,
                report.ChainHeadPosition, report.CheckpointsChecked, seconds, actor.UserId, actor.DisplayName, now)
            : new IntegrityVerified(runId, trigger, report.EntriesChecked, report.ChainHeadPosition, report.PendingEvents,
                report.CheckpointsChecked, report.LastCheckpointNumber, seconds, actor.UserId, actor.DisplayName, now);
    }
}
