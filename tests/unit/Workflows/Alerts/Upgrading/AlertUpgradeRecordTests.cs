using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Upgrading;
using Console.Workflows.Attestation;
using Console.Workflows.Continuity;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Alerts.Upgrading;

/// <summary>What the upgrade records for alert rows stored before alerts were events: each as it was, by the upgrade.</summary>
public sealed class AlertUpgradeRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Record_OldRows_RaisesEachWithItsOwnFieldsAndTimeByTheUpgrade_OldestFirst_AndCountsThem()
    {
        var later = new SecurityAlert(Guid.NewGuid(), SecurityAlertKind.HostDrift, null, Guid.NewGuid(), null, "UnknownMachine", "A machine.", Now.AddDays(-1));
        var earlier = new SecurityAlert(Guid.NewGuid(), SecurityAlertKind.EvidenceRefused, Guid.NewGuid(), Guid.NewGuid(), AttestedSubjectKind.VnfInstance,
            "BadSignature", "The signature does not verify.", Now.AddDays(-3));

        var (raised, upgrade) = AlertUpgrade.Record([later, earlier], Now);

        raised.ShouldBe([
            new SecurityAlertRaised(earlier.Id, earlier.Kind, earlier.VnfId, earlier.SubjectId, earlier.SubjectKind, earlier.Reason, earlier.Detail, AlertUpgrade.By, earlier.At),
            new SecurityAlertRaised(later.Id, later.Kind, later.VnfId, later.SubjectId, later.SubjectKind, later.Reason, later.Detail, AlertUpgrade.By, later.At),
        ]);
        raised.Select(SecurityAlert.Create).ShouldBe([earlier, later], "each row is exactly what its recorded event gives");
        upgrade.ShouldBe(new SecurityAlertsRecordedAtUpgrade(2, AlertUpgrade.By, Now));
    }

    [Fact]
    public void Record_NoOldRows_RecordsTheUpgradeAlone()
    {
        var (raised, upgrade) = AlertUpgrade.Record([], Now);

        raised.ShouldBeEmpty();
        upgrade.Alerts.ShouldBe(0);
    }
}
