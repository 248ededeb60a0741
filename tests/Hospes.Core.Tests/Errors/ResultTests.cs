using Hospes.Core.Errors;

namespace Hospes.Core.Tests.Errors;

public class ResultTests
{
    [Fact]
    public void AValue_IsOk()
    {
        Result<int> r = 42;
        Assert.True(r.IsOk);
        Assert.Equal(42, r.Value);
    }

    [Fact]
    public void AnError_IsNotOk_AndItsValueThrowsTheError()
    {
        Result<int> r = HospesError.NotFound("no VM named 'x'");
        Assert.False(r.IsOk);
        Assert.Equal(ErrorCode.NotFound, r.Error.Code);
        Assert.Equal("no VM named 'x'", Assert.Throws<HospesException>(() => r.Value).Message);
    }

    [Fact]
    public void Ok_WrapsValuesTypedAsInterfaces()
    {
        IReadOnlyList<int> list = [1, 2];
        Result<IReadOnlyList<int>> r = Result.Ok(list);
        Assert.Same(list, r.Value);
    }
}
