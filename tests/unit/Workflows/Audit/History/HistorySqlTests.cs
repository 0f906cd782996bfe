using Console.Workflows.Audit.History;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.History;

/// <summary>Each filter becomes one parameterised condition an index serves; sorts keep one direction and end in seq.</summary>
public sealed class HistorySqlTests
{
    private static (string Where, List<NpgsqlParameter> Parameters) Where(HistoryFilter filter)
    {
        var parameters = new List<NpgsqlParameter>();
        return (HistorySql.Where(filter, parameters), parameters);
    }

    [Fact]
    public void Where_NoFilter_IsTrueWithoutParameters() =>
        Where(HistoryFilter.None).ShouldSatisfyAllConditions(
            w => w.Where.ShouldBe("true"),
            w => w.Parameters.ShouldBeEmpty());

    public static TheoryData<HistoryFilter, string, object> SingleFilters => new()
    {
        { new HistoryFilter(VnfId: Id(1)), "h.vnf_id = @vnf", Id(1) },
        { new HistoryFilter(RequestId: Id(2)), "h.request_id = @request", Id(2) },
        { new HistoryFilter(ActorId: " olga "), "h.actor_id = @actor", "olga" },
        { new HistoryFilter(EventType: "ApprovalGranted"), "h.event_type = @type", "ApprovalGranted" },
        { new HistoryFilter(Category: HistoryCategory.Access), "h.category = @category", "Access" },
        { new HistoryFilter(Text: "power feed"), "h.search @@ websearch_to_tsquery('english', @text)", "power feed" },
        { new HistoryFilter(Text: Id(3).ToString()), "(h.request_id = @textid or h.vnf_id = @textid)", Id(3) },
    };

    [Theory]
    [MemberData(nameof(SingleFilters))]
    public void Where_OneFilter_IsOneConditionWithItsValueAsParameter(HistoryFilter filter, string condition, object value)
    {
        var (where, parameters) = Where(filter);

        where.ShouldBe(condition);
        parameters.ShouldHaveSingleItem().Value.ShouldBe(value);
    }

    [Fact]
    public void Where_TrustDomainAndEnvironment_AreArrayContainmentTheGinIndexesServe()
    {
        var (where, parameters) = Where(new HistoryFilter(TrustDomainId: Id(4), EnvironmentId: Id(5)));

        where.ShouldBe("h.trust_domain_ids @> @domain and h.environment_ids @> @environment");
        parameters.Select(p => p.Value).ShouldBe([new[] { Id(4) }, new[] { Id(5) }]);
    }

    [Fact]
    public void Where_TimeRange_IsFromInclusiveToExclusiveInUtc()
    {
        var from = new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.FromHours(2));

        var (where, parameters) = Where(new HistoryFilter(From: from, To: from.AddDays(1)));

        where.ShouldBe("h.at >= @from and h.at < @to");
        parameters.Select(p => p.Value).ShouldBe([from.ToUniversalTime(), from.AddDays(1).ToUniversalTime()]);
    }

    [Fact]
    public void Where_UserText_NeverEntersTheSql()
    {
        var (where, parameters) = Where(new HistoryFilter(Text: "'; drop table history_events; --", ActorId: "x' or '1'='1"));

        where.ShouldNotContain("drop");
        where.ShouldNotContain("'1'");
        parameters.Count.ShouldBe(2);
    }

    [Fact]
    public void Where_TextWithNulCharacters_DropsThemAndBlankTextIsNoFilter()
    {
        Where(new HistoryFilter(Text: "po\0wer")).Parameters.ShouldHaveSingleItem().Value.ShouldBe("power");
        Where(new HistoryFilter(Text: " \0 ", ActorId: "\0")).Where.ShouldBe("true");
    }

    [Theory]
    [InlineData(HistorySortField.Time, true, "h.at desc, h.seq desc")]
    [InlineData(HistorySortField.Time, false, "h.at, h.seq")]
    [InlineData(HistorySortField.Actor, true, "h.actor_id desc, h.at desc, h.seq desc")]
    [InlineData(HistorySortField.EventType, false, "h.event_type, h.at, h.seq")]
    [InlineData(HistorySortField.Category, true, "h.category desc, h.at desc, h.seq desc")]
    public void OrderBy_Sort_FollowsItsIndexInOneDirectionAndEndsInSeq(HistorySortField field, bool descending, string expected) =>
        HistorySql.OrderBy(field, descending).ShouldBe(expected);

    private static Guid Id(int n) => new($"00000000-0000-4000-8000-{n:D12}");
}
