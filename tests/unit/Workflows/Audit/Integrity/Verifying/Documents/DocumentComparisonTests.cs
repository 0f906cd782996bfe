using System.Text.Json.Nodes;
using Console.Workflows.Audit.Integrity.Verifying.Documents;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity.Verifying.Documents;

public sealed class DocumentComparisonTests
{
    private static IReadOnlyList<string> Diff(string rebuilt, string stored) =>
        DocumentComparison.DifferingFields(JsonNode.Parse(rebuilt), JsonNode.Parse(stored));

    [Fact]
    public void DocumentComparison_EqualDocumentsInAnotherPropertyOrder_HaveNoDifference() =>
        Diff("""{"Id":"a","Roles":["X","Y"],"Nested":{"A":1,"B":true}}""", """{"Nested":{"B":true,"A":1},"Roles":["X","Y"],"Id":"a"}""").ShouldBeEmpty();

    [Fact]
    public void DocumentComparison_ChangedNestedValue_NamesItsPath() =>
        Diff("""{"Document":{"Rules":[{"Level":"Low"},{"Level":"High"}]}}""", """{"Document":{"Rules":[{"Level":"Low"},{"Level":"Low"}]}}""")
            .ShouldBe(["Document.Rules[1].Level"]);

    [Fact]
    public void DocumentComparison_ArrayOfAnotherLength_NamesTheArray() =>
        Diff("""{"Roles":["X"]}""", """{"Roles":["X","Administrator"]}""").ShouldBe(["Roles"]);

    [Fact]
    public void DocumentComparison_AddedAndRemovedFields_AreBothNamed() =>
        Diff("""{"A":1,"B":2}""", """{"B":2,"C":3}""").ShouldBe(["A", "C"]);

    [Fact]
    public void DocumentComparison_Version_IsIgnored_AsMartensOwnConcurrencyField() =>
        Diff("""{"Id":"a","Version":3}""", """{"Id":"a","Version":7}""").ShouldBeEmpty();

    [Fact]
    public void DocumentComparison_NoRebuiltDocument_IsTheWholeDocument() =>
        DocumentComparison.DifferingFields(null, JsonNode.Parse("""{"Id":"a"}""")).ShouldBe(["(whole document)"]);

    [Fact]
    public void DocumentComparison_Describe_ListsTheFirstFieldsAndCountsTheRest() =>
        DocumentComparison.Describe([.. Enumerable.Range(1, 10).Select(i => $"F{i}")])
            .ShouldBe("F1, F2, F3, F4, F5, F6, F7, F8 and 2 more");
}
