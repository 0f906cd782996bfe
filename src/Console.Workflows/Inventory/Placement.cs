using Console.Workflows.Policy;

namespace Console.Workflows.Inventory;

/// <summary>
/// Where a component may run: the environment must be trusted at least as much as the component's sensitivity needs.
/// The approval policy's <see cref="SensitivityRule.RequiredTrustLevel"/> is the rule; the fixed table here is the
/// fallback for when no policy document is at hand (or it lacks a rule for the sensitivity).
/// </summary>
public static class Placement
{
    public static TrustLevel RequiredTrustLevel(Sensitivity sensitivity) => sensitivity switch
    {
        Sensitivity.Public => TrustLevel.Untrusted,
        Sensitivity.Internal => TrustLevel.Low,
        Sensitivity.Sensitive => TrustLevel.Medium,
        Sensitivity.Critical => TrustLevel.High,
        _ => TrustLevel.High,
    };

    public static TrustLevel RequiredTrustLevel(Sensitivity sensitivity, PolicyDocument? policy) =>
        policy?.Sensitivities.FirstOrDefault(r => r.Sensitivity == sensitivity)?.RequiredTrustLevel
        ?? RequiredTrustLevel(sensitivity);

    public static bool Satisfied(Sensitivity sensitivity, TrustLevel environmentTrust) =>
        environmentTrust >= RequiredTrustLevel(sensitivity);

    public static bool Satisfied(Sensitivity sensitivity, TrustLevel environmentTrust, PolicyDocument? policy) =>
        environmentTrust >= RequiredTrustLevel(sensitivity, policy);

    public static bool Satisfied(VnfComponent component, ExecutionEnvironment environment) =>
        Satisfied(component.Sensitivity, environment.TrustLevel);

    public static bool Satisfied(VnfComponent component, ExecutionEnvironment environment, PolicyDocument? policy) =>
        Satisfied(component.Sensitivity, environment.TrustLevel, policy);
}
