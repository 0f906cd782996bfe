using Console.Workflows.Accounts.SteppingUp;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Accounts.SteppingUp;

public sealed class TotpCodesTests
{
    // RFC 6238 appendix B: the SHA-1 secret "12345678901234567890" gives 94287082 at 59 s; its last six digits here.
    private static readonly byte[] RfcSecret = "12345678901234567890"u8.ToArray();

    [Fact]
    public void CodeAt_MatchesTheRfc6238TestVector()
    {
        TotpCodes.CodeAt(RfcSecret, DateTimeOffset.FromUnixTimeSeconds(59)).ShouldBe("287082");
        TotpCodes.CodeAt(RfcSecret, DateTimeOffset.FromUnixTimeSeconds(1111111109)).ShouldBe("081804");
    }

    [Fact]
    public void Check_AcceptsTheStepsNextToNow_NotFurther()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        TotpCodes.Check(RfcSecret, TotpCodes.CodeAt(RfcSecret, now.AddSeconds(-30)), now, 0, out var step).ShouldBe(CodeCheck.Valid);
        step.ShouldBe(TotpCodes.StepOf(now) - 1);
        TotpCodes.Check(RfcSecret, TotpCodes.CodeAt(RfcSecret, now.AddSeconds(30)), now, 0, out _).ShouldBe(CodeCheck.Valid);
        TotpCodes.Check(RfcSecret, TotpCodes.CodeAt(RfcSecret, now.AddSeconds(-90)), now, 0, out _).ShouldBe(CodeCheck.Wrong);
        TotpCodes.Check(RfcSecret, "12a456", now, 0, out _).ShouldBe(CodeCheck.Wrong);
        TotpCodes.Check(RfcSecret, TotpCodes.CodeAt(RfcSecret, now), now, TotpCodes.StepOf(now), out _).ShouldBe(CodeCheck.AlreadyUsed);
    }

    [Fact]
    public void NewSecret_Is160BitsOfBase32_AndDecodesBack()
    {
        var secret = TotpCodes.NewSecret();

        secret.Length.ShouldBe(32);
        TotpCodes.Decode(secret).ShouldNotBeNull().Length.ShouldBe(TotpCodes.SecretBytes);
        TotpCodes.Decode("TOO-SHORT").ShouldBeNull();
        TotpCodes.ProvisioningUri(secret, "approver").ShouldStartWith("otpauth://totp/");
        TotpCodes.ProvisioningUri(secret, "approver").ShouldContain("secret=" + secret);
    }
}
