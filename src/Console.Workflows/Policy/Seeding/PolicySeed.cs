namespace Console.Workflows.Policy.Seeding;

/// <summary>The first revision of the policy, appended at first start when the policy stream does not exist yet.</summary>
public static class PolicySeed
{
    public const string By = "system:seed";
    public const string Reason = "Initial approval policy.";

    public static PolicyRevised FirstRevision(DateTimeOffset now) =>
        new(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, Reason, By, now);
}
