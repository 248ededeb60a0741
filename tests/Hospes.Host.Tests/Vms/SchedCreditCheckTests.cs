using Hospes.Core.Errors;
using Hospes.Host.Vms.Sched;

namespace Hospes.Host.Tests.Vms;

public sealed class SchedCreditCheckTests
{
    [Theory]
    [InlineData(1, null)]
    [InlineData(65535, 0)]
    [InlineData(null, 200)]
    [InlineData(512, 50)]
    public void Check_ValuesXlAccepts_PassBeforeTheQueue(int? weight, int? cap) =>
        Assert.Null(SchedCreditCommand.Check("web", weight, cap));

    [Theory]
    [InlineData(0, null, "weight 0 is out of range; give 1 to 65535")]
    [InlineData(65536, null, "weight 65536 is out of range")]
    [InlineData(null, -1, "cap -1 is out of range; give a percentage of one CPU")]
    [InlineData(null, null, "nothing to set; give a weight (-w 512) or a cap (-c 50)")]
    public void Check_BadValues_AreRefusedNamingTheVmAndTheFix(int? weight, int? cap, string expected)
    {
        HospesError? refused = SchedCreditCommand.Check("web", weight, cap);

        Assert.NotNull(refused);
        Assert.Equal(ErrorCode.InvalidArgument, refused.Code);
        Assert.StartsWith("sched-credit web: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }
}
