using System.Net;
using Hospes.Api.Access;

namespace Hospes.Api.Tests.Access;

public class FailedLoginsTests
{
    private readonly Clock _clock = new();

    [Fact]
    public void TenFailures_AreLetThrough_TheEleventhTry_IsRefusedUntilTheWindowEnds()
    {
        var limiter = new FailedLogins(_clock);
        for (int i = 0; i < 10; i++)
        {
            Assert.Null(limiter.Refused("192.0.2.7"));
            limiter.Fail("192.0.2.7");
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        var refused = limiter.Refused("192.0.2.7");

        Assert.NotNull(refused);
        Assert.Equal((_clock.Start.AddSeconds(60), TimeSpan.FromSeconds(40), true), refused.Value);
        Assert.False(limiter.Refused("192.0.2.7")!.Value.First);
        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(limiter.Refused("192.0.2.7"));
    }

    [Fact]
    public void OneSourcesFailures_DoNotRefuseAnother_AndASuccessResetsNothing()
    {
        var limiter = new FailedLogins(_clock);
        for (int i = 0; i < 10; i++)
        {
            limiter.Fail("192.0.2.7");
        }

        Assert.Null(limiter.Refused("192.0.2.8"));
        Assert.NotNull(limiter.Refused("192.0.2.7"));
    }

    [Fact]
    public void TheTable_IsBounded_EndedWindowsGoFirst_ThenTheOldest()
    {
        var limiter = new FailedLogins(_clock, capacity: 100);
        for (int i = 0; i < 1000; i++)
        {
            limiter.Fail($"10.0.{i / 256}.{i % 256}");
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(100, limiter.Count);
        for (int i = 0; i < 9; i++)
        {
            limiter.Fail("10.0.3.231");
        }

        Assert.NotNull(limiter.Refused("10.0.3.231"));
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void ASource_IsTheAddress_OrTheIPv6Slash64(string address, string source) =>
        Assert.Equal(source, FailedLogins.SourceOf(IPAddress.Parse(address)));

    [Fact]
    public void TheAuditThrottle_RecordsOncePerSourceAndWindow()
    {
        var throttle = new AuditThrottle(_clock);

        Assert.True(throttle.ShouldRecord("anonymous:192.0.2.7"));
        Assert.False(throttle.ShouldRecord("anonymous:192.0.2.7"));
        Assert.True(throttle.ShouldRecord("anonymous:192.0.2.8"));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.True(throttle.ShouldRecord("anonymous:192.0.2.7"));
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Start { get; } = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        private TimeSpan _elapsed;

        public override DateTimeOffset GetUtcNow() => Start + _elapsed;

        public void Advance(TimeSpan by) => _elapsed += by;
    }
}
