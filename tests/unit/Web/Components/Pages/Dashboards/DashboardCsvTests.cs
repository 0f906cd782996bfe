using Console.Web.Components.Pages.Dashboards;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Trends;
using Console.Workflows.Inventory;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

public sealed class DashboardCsvTests
{
    private static readonly Guid SnapshotId = Guid.Parse("50000000-0000-4000-8000-000000000001");
    private static readonly Guid VnfId = Guid.Parse("f0000000-0000-4000-8000-000000000001");

    [Fact]
    public void SnapshotLine_HasOneCellPerHeaderColumn_InUtc_AndDefusesAFormulaInAName()
    {
        var hold = new Hold("Case \"17\", urgent", null, "=cmd|' /C calc'!A0", DashboardFixtures.Now.AddDays(-3));
        var row = new SnapshotRow(SnapshotId, VnfId, "+udm-fra-01", Sensitivity.Critical, new DateTimeOffset(2026, 3, 5, 13, 0, 0, TimeSpan.FromHours(1)),
            DashboardFixtures.Now.AddDays(-2), null, DashboardFixtures.Now.AddDays(-2), false, null, hold,
            new Protection(ProtectionKind.LegalHold, "Legal hold by sam.security: Case \"17\", urgent"));

        var line = DashboardCsv.SnapshotLine(row);

        line.ShouldEndWith("\r\n");
        var cells = Cells(line);
        cells.Count.ShouldBe(DashboardCsv.SnapshotHeader.Split(',').Length);
        cells[0].ShouldBe(SnapshotId.ToString());
        cells[2].ShouldBe("'+udm-fra-01");
        cells[3].ShouldBe("Critical");
        cells[4].ShouldBe("2026-03-05T12:00:00Z");
        cells[9].ShouldBe("LegalHold");
        cells[10].ShouldBe("Legal hold by sam.security: Case \"17\", urgent");
        cells[13].ShouldBe("'=cmd|' /C calc'!A0");
    }

    [Fact]
    public void ComponentLine_SaysWhetherItViolates()
    {
        var row = new ComponentRow(VnfId, "upf-ham-07", Guid.Empty, "n3-user-plane", Sensitivity.Sensitive, DashboardFixtures.Core,
            DashboardFixtures.Edge, TrustLevel.High);

        var cells = Cells(DashboardCsv.ComponentLine(row));

        cells.Count.ShouldBe(DashboardCsv.ComponentHeader.Split(',').Length);
        cells[^3].ShouldBe("Low");
        cells[^2].ShouldBe("High");
        cells[^1].ShouldBe("yes");
    }

    [Fact]
    public void TrendLine_SaysHowEachDayIsKnown()
    {
        Cells(DashboardCsv.TrendLine(new TrendDay(new DateOnly(2026, 12, 3), 120, 2, 5, true, DashboardFixtures.Now)))
            .ShouldBe(["2026-12-03", "120", "2", "5", "sampled"]);
        Cells(DashboardCsv.TrendLine(new TrendDay(new DateOnly(2026, 11, 30), 118, null, null, false)))
            .ShouldBe(["2026-11-30", "118", "", "", "rebuilt from snapshots"]);
        Cells(DashboardCsv.TrendLine(new TrendDay(new DateOnly(2026, 11, 29), null, null, null, false)))
            .ShouldBe(["2026-11-29", "", "", "", "not recorded"]);
        DashboardCsv.TrendHeader.Split(',').Length.ShouldBe(5);
    }

    [Fact]
    public void TrustDomainLine_HasACountPerSensitivity_ThenTheTotals()
    {
        var row = DashboardFixtures.Figures().TrustDomains.Rows[0];

        var cells = Cells(DashboardCsv.TrustDomainLine(row));

        cells.Count.ShouldBe(DashboardCsv.TrustDomainHeader.Split(',').Length);
        cells[0].ShouldBe(row.TrustDomain.Name);
        cells[^2].ShouldBe(row.TotalAvailable.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cells[^1].ShouldBe(row.Deleted.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ExportAddress_IsThePagesOwnQuery_OnTheExportPath()
    {
        var query = SnapshotListQuery.Parse("/dashboards/snapshots?show=age&age=OneToThreeDays&sensitivity=Critical&page=2");

        DashboardExports.Of(query).ShouldBe("/dashboards/export/snapshots.csv?show=age&age=OneToThreeDays&sensitivity=Critical");
        DashboardExports.Of(new ComponentListQuery()).ShouldBe("/dashboards/export/components.csv");
    }

    // RFC 4180 cells of one line (quotes doubled inside quoted cells).
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        var text = line.TrimEnd('\r', '\n');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
