using Console.Workflows.Accounts;
using Console.Workflows.Alerts;
using Console.Workflows.Attestation;
using Console.Workflows.Continuity;
using Console.Workflows.Inventory;
using Console.Workflows.Notifications;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;

namespace Console.Workflows.Audit.Integrity.Verifying.Documents;

/// <summary>
/// The documents decisions read, each an inline snapshot of its event streams: verification rebuilds every one from
/// the verified events and reports any stored document that differs, so what the deciders read is covered by the log.
/// Every inline snapshot of the store belongs here (CoveredDocumentsTests fails when an aggregate is missing).
/// </summary>
public static class CoveredDocuments
{
    public static IReadOnlyList<IDocumentCheck> All { get; } =
    [
        new DocumentCheck<ApprovalPolicy>(),      // the policy in force: which approvals a request needs
        new DocumentCheck<UserAccount>(),         // users, roles, groups, disabled: who may sign in and act
        new DocumentCheck<SecondFactor>(),        // second factors: enrolled, recovery codes left, last code used
        new DocumentCheck<ChangeRequest>(),       // requests: status, approvals, content digest
        new DocumentCheck<Vnf>(),                 // VNFs: components, sensitivity, placement
        new DocumentCheck<ExecutionEnvironment>(), // environments: trust level, attestation, operator domain
        new DocumentCheck<TrustDomain>(),         // trust domains: owner groups that approve
        new DocumentCheck<Snapshot>(),            // snapshots: legal holds and pins that block deletion
        new DocumentCheck<AttestationSubject>(),  // attestation keys and reference values
        new DocumentCheck<VnfContinuity>(),       // continuity: forks and sealed state
        new DocumentCheck<IntegrityStatus>(),     // the open integrity alert
        new DocumentCheck<SecurityAlert>(),       // security alerts raised: a deleted one would leave the officers' queue
        new DocumentCheck<AlertHandling>(),       // security alerts: acknowledged, assigned, closed
        new DocumentCheck<NotificationProfile>(), // where a person is told: an edited address would divert their notices
    ];
}
