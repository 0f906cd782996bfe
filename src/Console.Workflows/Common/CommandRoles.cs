using Console.Workflows.Requests;

namespace Console.Workflows.Common;

/// <summary>Every command a person can issue to the console; <see cref="CommandRoles"/> names who may issue each.</summary>
public enum ConsoleCommand
{
    SubmitSnapshot,
    SubmitMigration,
    SubmitSnapshotDeletion,
    SubmitRestore,
    SubmitPause,
    SubmitResume,
    SubmitStop,
    SubmitStart,
    SubmitRestart,
    SubmitGuardChange,
    AmendRequest,
    CancelRequest,
    ApproveRequest,
    RejectRequest,
    RetryExecution,
    PinSnapshot,
    UnpinSnapshot,
    PlaceLegalHold,
    ReleaseLegalHold,
    MarkSnapshotNotNeeded,
    RevisePolicy,
    RegisterTrustDomain,
    ChangeTrustDomain,
    RegisterEnvironment,
    ChangeEnvironment,
    RegisterVnf,
    ChangeVnf,
    AcknowledgeIntegrityAlert,
    VerifyIntegrity,
    CheckpointIntegrity,
    ExportIntegrityProof,
    ChangeAccountRoles,
    SetAccountDisabled,
    ProposeEnrolment,
    ApproveEnrolment,
    RejectEnrolment,
    RevokeAttestationKey,
    ChooseNotificationChannels,
    AcknowledgeAlert,
    AssignAlert,
    CloseAlert,
    StartSecondFactorEnrolment,
    ConfirmSecondFactor,
    RemoveSecondFactor,
    ResetSecondFactor,
}

/// <summary>
/// The one table of which roles may issue which command. Every decider checks it first, before it looks at the
/// state; the API's policies and the pages' buttons are derived from it, so no entry path can grant more. A role
/// is necessary, not always sufficient: deciders add rules of their own (only the requester amends; approvers must be
/// eligible for a group the request still needs). Group membership never stands in for a role.
/// </summary>
public static class CommandRoles
{
    private static readonly string[] Operators = [Roles.NocOperator];
    private static readonly string[] Approvers = [Roles.NocApprover, Roles.SecurityOfficer];
    private static readonly string[] Administrators = [Roles.Administrator];
    private static readonly string[] IntegrityReviewers = [Roles.SecurityOfficer, Roles.Auditor];

    public static IReadOnlyDictionary<ConsoleCommand, IReadOnlyList<string>> Table { get; } =
        new Dictionary<ConsoleCommand, IReadOnlyList<string>>
        {
            [ConsoleCommand.SubmitSnapshot] = Operators,
            [ConsoleCommand.SubmitMigration] = Operators,
            [ConsoleCommand.SubmitSnapshotDeletion] = Operators,
            [ConsoleCommand.SubmitRestore] = Operators,
            [ConsoleCommand.SubmitPause] = Operators,
            [ConsoleCommand.SubmitResume] = Operators,
            [ConsoleCommand.SubmitStop] = Operators,
            [ConsoleCommand.SubmitStart] = Operators,
            [ConsoleCommand.SubmitRestart] = Operators,
            // Raised by an inventory or policy edit that weakens protection; a security officer approves it.
            [ConsoleCommand.SubmitGuardChange] = Administrators,
            // The decider adds: only the person who raised it.
            [ConsoleCommand.AmendRequest] = Operators,
            // The decider adds: the requester, or an administrator.
            [ConsoleCommand.CancelRequest] = [Roles.NocOperator, Roles.Administrator],
            // Owner-group membership decides which group an approver fills, never whether they may approve.
            [ConsoleCommand.ApproveRequest] = Approvers,
            [ConsoleCommand.RejectRequest] = Approvers,
            // The decider adds: the requester (operator) or one of the request's approvers (approver role).
            [ConsoleCommand.RetryExecution] = [Roles.NocOperator, Roles.NocApprover, Roles.SecurityOfficer],
            [ConsoleCommand.PinSnapshot] = [Roles.NocOperator, Roles.NocApprover, Roles.Administrator],
            [ConsoleCommand.UnpinSnapshot] = [Roles.NocOperator, Roles.NocApprover, Roles.Administrator],
            [ConsoleCommand.PlaceLegalHold] = [Roles.SecurityOfficer, Roles.Administrator],
            [ConsoleCommand.ReleaseLegalHold] = [Roles.SecurityOfficer, Roles.Administrator],
            // The decider adds: the person who requested the snapshot, or an administrator.
            [ConsoleCommand.MarkSnapshotNotNeeded] = [Roles.NocOperator, Roles.Administrator],
            [ConsoleCommand.RevisePolicy] = Administrators,
            [ConsoleCommand.RegisterTrustDomain] = Administrators,
            [ConsoleCommand.ChangeTrustDomain] = Administrators,
            [ConsoleCommand.RegisterEnvironment] = Administrators,
            [ConsoleCommand.ChangeEnvironment] = Administrators,
            [ConsoleCommand.RegisterVnf] = Administrators,
            [ConsoleCommand.ChangeVnf] = Administrators,
            [ConsoleCommand.AcknowledgeIntegrityAlert] = [Roles.SecurityOfficer],
            [ConsoleCommand.VerifyIntegrity] = IntegrityReviewers,
            [ConsoleCommand.CheckpointIntegrity] = IntegrityReviewers,
            [ConsoleCommand.ExportIntegrityProof] = IntegrityReviewers,
            [ConsoleCommand.ChangeAccountRoles] = Administrators,
            [ConsoleCommand.SetAccountDisabled] = Administrators,
            // Whoever installs a platform proposes its attestation key; the decider adds: never approved by its proposer.
            [ConsoleCommand.ProposeEnrolment] = [Roles.Administrator, Roles.SecurityOfficer],
            [ConsoleCommand.ApproveEnrolment] = [Roles.SecurityOfficer],
            [ConsoleCommand.RejectEnrolment] = [Roles.SecurityOfficer],
            [ConsoleCommand.RevokeAttestationKey] = [Roles.SecurityOfficer],
            // Everyone chooses their own channels; the decider takes the person from the session, never from the command.
            [ConsoleCommand.ChooseNotificationChannels] = Roles.All,
            // Fork and refused-evidence alerts; the decider adds: only to a security officer, never reopening a closed one.
            [ConsoleCommand.AcknowledgeAlert] = [Roles.SecurityOfficer],
            [ConsoleCommand.AssignAlert] = [Roles.SecurityOfficer],
            [ConsoleCommand.CloseAlert] = [Roles.SecurityOfficer],
            // Everyone may protect their own built-in account; the decider adds: only one's own, only a built-in account.
            [ConsoleCommand.StartSecondFactorEnrolment] = Roles.All,
            [ConsoleCommand.ConfirmSecondFactor] = Roles.All,
            [ConsoleCommand.RemoveSecondFactor] = Roles.All,
            [ConsoleCommand.ResetSecondFactor] = Administrators,
        };

    /// <summary>The roles that may issue <paramref name="command"/>.</summary>
    public static IReadOnlyList<string> For(ConsoleCommand command) =>
        Table.TryGetValue(command, out var roles) ? roles : [];

    /// <summary>Every role that may issue any of <paramref name="commands"/> (for a page or endpoint offering several).</summary>
    public static string[] ForAny(params IEnumerable<ConsoleCommand> commands) =>
        [.. commands.SelectMany(For).Distinct(StringComparer.Ordinal)];

    /// <summary>The submit command of a request kind: each kind is its own row of the table.</summary>
    public static ConsoleCommand Submit(RequestKind kind) => kind switch
    {
        RequestKind.Snapshot => ConsoleCommand.SubmitSnapshot,
        RequestKind.Migration => ConsoleCommand.SubmitMigration,
        RequestKind.SnapshotDeletion => ConsoleCommand.SubmitSnapshotDeletion,
        RequestKind.Restore => ConsoleCommand.SubmitRestore,
        RequestKind.Pause => ConsoleCommand.SubmitPause,
        RequestKind.Resume => ConsoleCommand.SubmitResume,
        RequestKind.Stop => ConsoleCommand.SubmitStop,
        RequestKind.Start => ConsoleCommand.SubmitStart,
        RequestKind.Restart => ConsoleCommand.SubmitRestart,
        RequestKind.GuardChange => ConsoleCommand.SubmitGuardChange,
        // An unknown kind is refused as invalid input by the decider; the role check still needs a row.
        _ => ConsoleCommand.SubmitSnapshot,
    };

    /// <summary>
    /// The submit commands of the ordinary request form, one per request kind; a guard change is not among them (it is
    /// raised by an inventory or policy edit, <see cref="ConsoleCommand.SubmitGuardChange"/>).
    /// </summary>
    public static IReadOnlyList<ConsoleCommand> SubmitCommands { get; } =
        [.. Enum.GetValues<RequestKind>().Where(k => k != RequestKind.GuardChange).Select(Submit)];

    public static bool Allows(ConsoleCommand command, IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var allowed = For(command);
        return roles.Any(r => allowed.Contains(r, StringComparer.Ordinal));
    }

    public static bool Allows(ConsoleCommand command, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return Allows(command, actor.Roles);
    }

    /// <summary>The refusal every entry path gives a person whose roles do not allow the command, or null.</summary>
    public static Refusal? Check(ConsoleCommand command, Actor actor) =>
        Allows(command, actor) ? null : Refusal.Because(RefusalMessage(command), RefusalKind.Forbidden);

    public static string RefusalMessage(ConsoleCommand command)
    {
        var roles = For(command);
        return roles.Count == 0
            ? $"Nobody may {What(command)}."
            : $"Only {List(roles.Select(Plural))} may {What(command)}.";
    }

    /// <summary>What the command does, in the words of the refusal ("approve requests").</summary>
    public static string What(ConsoleCommand command) => command switch
    {
        ConsoleCommand.SubmitSnapshot => "request snapshots",
        ConsoleCommand.SubmitMigration => "request migrations",
        ConsoleCommand.SubmitSnapshotDeletion => "request snapshot deletions",
        ConsoleCommand.SubmitRestore => "request restores",
        ConsoleCommand.SubmitPause => "request pausing an instance",
        ConsoleCommand.SubmitResume => "request resuming an instance",
        ConsoleCommand.SubmitStop => "request stopping an instance",
        ConsoleCommand.SubmitStart => "request starting an instance",
        ConsoleCommand.SubmitRestart => "request restarting an instance",
        ConsoleCommand.SubmitGuardChange => "change the inventory or the approval policy",
        ConsoleCommand.AmendRequest => "change requests",
        ConsoleCommand.CancelRequest => "cancel requests",
        ConsoleCommand.ApproveRequest => "approve requests",
        ConsoleCommand.RejectRequest => "reject requests",
        ConsoleCommand.RetryExecution => "retry executions",
        ConsoleCommand.PinSnapshot => "pin snapshots",
        ConsoleCommand.UnpinSnapshot => "unpin snapshots",
        ConsoleCommand.PlaceLegalHold => "place legal holds",
        ConsoleCommand.ReleaseLegalHold => "release legal holds",
        ConsoleCommand.MarkSnapshotNotNeeded => "mark snapshots no longer needed",
        ConsoleCommand.RevisePolicy => "change the approval policy",
        ConsoleCommand.RegisterTrustDomain or ConsoleCommand.ChangeTrustDomain or ConsoleCommand.RegisterEnvironment
            or ConsoleCommand.ChangeEnvironment or ConsoleCommand.RegisterVnf or ConsoleCommand.ChangeVnf => "change the inventory",
        ConsoleCommand.AcknowledgeIntegrityAlert => "acknowledge integrity alerts",
        ConsoleCommand.VerifyIntegrity => "verify the audit log",
        ConsoleCommand.CheckpointIntegrity => "sign audit checkpoints",
        ConsoleCommand.ExportIntegrityProof => "export audit proofs",
        ConsoleCommand.ChangeAccountRoles => "change the roles of accounts",
        ConsoleCommand.SetAccountDisabled => "disable or enable accounts",
        ConsoleCommand.ProposeEnrolment => "propose attestation keys for enrolment",
        ConsoleCommand.ApproveEnrolment or ConsoleCommand.RejectEnrolment => "approve or reject attestation key enrolments",
        ConsoleCommand.RevokeAttestationKey => "revoke attestation keys",
        ConsoleCommand.ChooseNotificationChannels => "choose notification channels",
        ConsoleCommand.AcknowledgeAlert => "acknowledge security alerts",
        ConsoleCommand.AssignAlert => "assign security alerts",
        ConsoleCommand.CloseAlert => "close security alerts",
        ConsoleCommand.StartSecondFactorEnrolment or ConsoleCommand.ConfirmSecondFactor => "enrol a second factor",
        ConsoleCommand.RemoveSecondFactor => "remove a second factor",
        ConsoleCommand.ResetSecondFactor => "reset another person's second factor",
        _ => command.ToString(),
    };

    private static string Plural(string role) => role switch
    {
        Roles.NocOperator => "NOC operators",
        Roles.NocApprover => "NOC approvers",
        Roles.SecurityOfficer => "security officers",
        Roles.Auditor => "auditors",
        Roles.Manager => "managers",
        Roles.Administrator => "administrators",
        _ => role,
    };

    private static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 1 ? list[0] : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1];
    }
}
