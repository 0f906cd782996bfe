using Console.Workflows.Accounts.SteppingUp;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Accounts.SteppingUp;

public sealed class RecoveryCodesTests
{
    [Fact]
    public void New_GivesTenDistinctCodesOf80Bits()
    {
        var codes = RecoveryCodes.New();

        codes.Count.ShouldBe(RecoveryCodes.Count);
        codes.Distinct().Count().ShouldBe(codes.Count);
        codes.ShouldAllBe(c => c.Length == 19 && RecoveryCodes.Normalise(c) != null);
    }

    [Fact]
    public void Match_FindsOnlyAKeptHash_NeverTheCodeItself()
    {
        var codes = RecoveryCodes.New();
        var hashes = codes.Select(RecoveryCodes.Hash).ToList();

        RecoveryCodes.Match(hashes, codes[0].ToLowerInvariant()).ShouldBe(hashes[0]);
        RecoveryCodes.Match(hashes.Skip(1), codes[0]).ShouldBeNull();
        RecoveryCodes.Match(hashes, "not-a-code").ShouldBeNull();
        hashes.ShouldNotContain(h => h.Contains(RecoveryCodes.Normalise(codes[0])!, StringComparison.OrdinalIgnoreCase));
    }
}
