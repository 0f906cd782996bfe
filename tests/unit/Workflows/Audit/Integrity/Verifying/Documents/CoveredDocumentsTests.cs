using System.Reflection;
using Console.Workflows.Audit.Integrity.Verifying.Documents;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity.Verifying.Documents;

public sealed class CoveredDocumentsTests
{
    /// <summary>
    /// Every aggregate of the workflow (a type with a static Create(event) returning itself, Marten's snapshot
    /// convention) is rebuilt and compared by verification: a new snapshot document cannot be left out silently.
    /// </summary>
    [Fact]
    public void CoveredDocuments_NameEveryAggregateOfTheWorkflow()
    {
        var aggregates = typeof(CommandRoles).Assembly.GetTypes()
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Any(m => m.Name == "Create" && m.ReturnType == t && m.GetParameters().Length == 1))
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal);

        CoveredDocuments.All.Select(c => c.DocumentType.FullName).Order(StringComparer.Ordinal).ShouldBe(aggregates);
    }
}
