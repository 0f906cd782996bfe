using Console.Web.Api;
using Console.Web.Api.History;
using Console.Web.Identity;
using Console.Web.Security;
using Console.Workflows.Audit.History;
using Microsoft.Extensions.Configuration;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Security;

/// <summary>The pure parts of the HTTP hardening: return URLs, spreadsheet-safe cells, the automation client's roles, sign-out.</summary>
public sealed class HardeningTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/requests")]
    [InlineData("/requests/3f2504e0-4f89-11d3-9a0c-0305e82c3301?tab=history#top")]
    [InlineData("/connect/authorize?client_id=vnf-cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&scope=openid%20profile")]
    [InlineData("/history?text=%C3%A9t%C3%A9")]
    public void Hardening_ReturnUrl_LocalPaths_AreKept(string url)
    {
        ReturnUrls.IsSafeLocal(url).ShouldBeTrue();
        AuthenticationSetup.SafeLocalUrl(url).ShouldBe(url);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("requests")]
    [InlineData("//evil.example")]
    [InlineData("///evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("\\/evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\r/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/ /evil.example")]
    [InlineData("\t//evil.example")]
    [InlineData(" //evil.example")]
    [InlineData("/%2Fevil.example")]
    [InlineData("/%2fevil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%5cevil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("/%0D%0A/evil.example")]
    [InlineData("/%252Fevil.example")]
    [InlineData("/%25252Fevil.example")]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("http:evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/requests\\..\\..\\evil")]
    [InlineData("/\u200B/evil.example")]
    [InlineData("/\u2028/evil.example")]
    [InlineData("/\0/evil.example")]
    public void Hardening_ReturnUrl_AnythingABrowserCouldTurnIntoAnotherOrigin_BecomesTheHomePage(string? url)
    {
        ReturnUrls.IsSafeLocal(url).ShouldBeFalse();
        AuthenticationSetup.SafeLocalUrl(url).ShouldBe("/");
    }

    [Fact]
    public void Hardening_ReturnUrl_Overlong_IsRefused() =>
        ReturnUrls.IsSafeLocal("/" + new string('a', ReturnUrls.MaxLength)).ShouldBeFalse();

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("\n=1", "\"'\n=1\"")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("", "")]
    public void Hardening_CsvCell_FormulaLikeStartsAreDefused(string value, string expected) =>
        CsvCells.Escape(value).ShouldBe(expected);

    [Fact]
    public void Hardening_HistoryExport_DefusesACellStartingWithTab()
    {
        var entry = new HistoryEntry(1, DateTimeOffset.UnixEpoch, "AccessRefused", HistoryCategory.Access, "m", "\t=cmd|' /C calc'!A0",
            null, null, null, [], [], "s", null, Guid.Empty, 1);

        HistoryExport.CsvLine(entry).ShouldContain(",'\t=cmd|' /C calc'!A0,");
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("NocApprover")]
    [InlineData("SecurityOfficer")]
    [InlineData("Administrator")]
    public void Hardening_AutomationClient_WithAPersonOnlyRole_StopsTheStart_AndGetsNoToken(string role)
    {
        var config = Config(("Console:Automation:ClientSecret", "s"), ("Console:Automation:Roles", "NocOperator," + role));

        Should.Throw<InvalidOperationException>(() => AutomationSettings.Read(config)).Message.ShouldContain($"may not name {role}");
        var (settings, refusal) = AutomationSettings.ForIssuance(config);
        settings.ShouldBeNull();
        refusal.ShouldContain($"may not name {role}");
    }

    [Fact]
    public void Hardening_AutomationClient_WithOperatorAndAuditor_IsAllowed()
    {
        var (settings, refusal) = AutomationSettings.ForIssuance(Config(("Console:Automation:ClientSecret", "s"), ("Console:Automation:Roles", "NocOperator,Auditor")));

        settings.ShouldNotBeNull().Roles.ShouldBe(["NocOperator", "Auditor"]);
        refusal.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "olga", false)]
    [InlineData("mallory", "olga", false)]
    [InlineData("olga", "olga", true)]
    [InlineData("olga", null, true)]
    public void Hardening_EndSession_NeedsTheSignedInPersonsIdTokenHint(string? hintSubject, string? sessionSubject, bool allowed) =>
        LocalIdentityProvider.EndSessionAllowed(hintSubject, sessionSubject).ShouldBe(allowed);
}
