using Console.Workflows.Keys.Hsm;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Keys.Hsm;

/// <summary>Which PKCS#11 libraries get calls on one token in turns: SoftHSM2 before 2.7.0, whose file store races; nothing else.</summary>
public sealed class Pkcs11ModuleTests
{
    [Theory]
    [InlineData("SoftHSM                         ", "2.6", true)]
    [InlineData("SoftHSM", "2.6.1", true)]
    [InlineData("softhsm", "2.5", true)]
    [InlineData("SoftHSM", "not a version", true)]
    [InlineData("SoftHSM", "2.7", false)]
    [InlineData("SoftHSM", "3.0", false)]
    [InlineData("Thales", "2.6", false)]
    [InlineData("", "1.0", false)]
    public void NeedsTurns_OnlyForSoftHsmBefore27(string manufacturer, string version, bool expected) =>
        Pkcs11Module.NeedsTurnsOnATokenStore(manufacturer, version).ShouldBe(expected);
}
