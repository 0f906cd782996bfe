namespace Console.Workflows.Inventory;

/// <summary>
/// Where a component may run: the environment must be trusted at least as much as the component's sensitivity needs.
/// Fixed in code for now; the placement policy will later make it data.
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

    public static bool Satisfied(Sensitivity sensitivity, TrustLevel environmentTrust) =>
        environmentTrust >= RequiredTrustLevel(sensitivity);

    public static bool Satisfied(VnfComponent component, ExecutionEnvironment environment) =>
        Satisfied(component.Sensitivity, environment.TrustLevel);
}
