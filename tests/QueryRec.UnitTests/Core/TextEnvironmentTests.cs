using System.Text;
using QueryRec.Core;

namespace QueryRec.UnitTests.Core;

public sealed class TextEnvironmentTests
{
    [Fact]
    public void EnsureIcu_TestProcess_DoesNotThrow()
    {
        TextEnvironment.EnsureIcu();

        Assert.Equal(TextEnvironment.ProbeNfkc, TextEnvironment.Probe.Normalize(NormalizationForm.FormKC));
    }

    [Fact]
    public void Problem_InvariantMode_ExplainsTheFix()
    {
        var problem = TextEnvironment.Problem(invariantMode: true, TextEnvironment.ProbeNfkc);

        Assert.NotNull(problem);
        Assert.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", problem, StringComparison.Ordinal);
        Assert.Contains("libicu", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ＡＢ１ﬁ\uF900Ⅳ")] // nothing folded
    public void Problem_NfkcBroken_Reported(string? nfkc)
    {
        Assert.NotNull(TextEnvironment.Problem(invariantMode: false, nfkc));
    }

    [Fact]
    public void Problem_IcuWorking_Null()
    {
        Assert.Null(TextEnvironment.Problem(invariantMode: false, TextEnvironment.ProbeNfkc));
    }
}
