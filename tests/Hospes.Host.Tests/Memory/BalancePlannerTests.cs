using Hospes.Host.Memory;

namespace Hospes.Host.Tests.Memory;

/// <summary>The balance policy's decisions; the real thing is in the integration tests (a host-side hog, real guests).</summary>
public sealed class BalancePlannerTests
{
    private const long Mib = 1024 * 1024;
    private const long Reserve = 1024 * Mib;

    [Fact]
    public void UnderPressure_TheGuestWithTheMostAboveItsFloorGivesFirst_AQuarterOfItsTargetAtMost()
    {
        PolicyPlan plan = BalancePlanner.Plan(900 * Mib, Reserve, 0, [Guest("busy", 512, floor: 480), Guest("idle", 512, floor: 64), Guest("mid", 512, floor: 300)]);

        // Halfway to the give-back line (1024 + 256): 1152 - 900 = 252 MiB needed; idle gives 128, mid 124 (its quarter and what is left).
        Assert.Equal(
            [new PolicyMove("idle", 512, 384, "host memory low: 900 MiB available, reserve 1024 MiB"), new PolicyMove("mid", 512, 388, "host memory low: 900 MiB available, reserve 1024 MiB")],
            plan.Moves);
        Assert.Equal(0, plan.UnrelievedBytes);
    }

    [Fact]
    public void UnderPressure_NoGuestGoesBelowItsFloor_AndWhatCannotBeFoundIsReported()
    {
        PolicyPlan plan = BalancePlanner.Plan(100 * Mib, Reserve, 0, [Guest("a", 100, floor: 80), Guest("b", 70, floor: 64)]);

        Assert.Equal([new PolicyMove("a", 100, 80, "host memory low: 100 MiB available, reserve 1024 MiB")], plan.Moves);
        Assert.Equal((1152 - 100 - 20) * Mib, plan.UnrelievedBytes);
    }

    [Fact]
    public void UnderPressure_BalloonsStillInflatingCount_AndTheirGuestsAreNotSqueezedAgain()
    {
        // "a" still holds 200 MiB above its new target: that is on its way to the host.
        PolicyGuest inflating = Guest("a", 300, floor: 64) with { ActualBytes = 500 * Mib };
        PolicyPlan plan = BalancePlanner.Plan(1000 * Mib, Reserve, 0, [inflating, Guest("b", 512, floor: 64)]);

        Assert.Empty(plan.Moves);
        Assert.Equal(0, plan.UnrelievedBytes);
    }

    [Fact]
    public void AfterPressure_MemoryGoesBackOnlyAfterThreeCalmRounds_StepByStep()
    {
        PolicyGuest held = Guest("a", 128, floor: 64, ceiling: 512, availableMib: 60);
        long plenty = 8192 * Mib;

        PolicyPlan first = BalancePlanner.Plan(plenty, Reserve, 0, [held]);
        PolicyPlan second = BalancePlanner.Plan(plenty, Reserve, first.CalmRounds, [held]);
        Assert.Empty(first.Moves);
        Assert.Empty(second.Moves);

        PolicyPlan third = BalancePlanner.Plan(plenty, Reserve, second.CalmRounds, [held]);
        Assert.Equal([new PolicyMove("a", 128, 256, "host memory recovered: 8192 MiB available")], third.Moves);

        // Between the reserve and the line nothing flows back, and the count starts again.
        PolicyPlan between = BalancePlanner.Plan(1100 * Mib, Reserve, third.CalmRounds, [held]);
        Assert.Equal((0, 0), (between.Moves.Count, between.CalmRounds));
    }

    [Fact]
    public void AGuestShortOfMemory_GetsSomeBackAtOnce_IfTheHostStaysAboveItsReserve()
    {
        PolicyGuest starving = Guest("a", 128, floor: 120, ceiling: 512, availableMib: 4);

        Assert.Equal([new PolicyMove("a", 128, 256, "guest short of memory: 4 MiB available in it")], BalancePlanner.Plan(1200 * Mib, Reserve, 0, [starving]).Moves);
        Assert.Empty(BalancePlanner.Plan(1100 * Mib, Reserve, 0, [starving]).Moves);
    }

    private static PolicyGuest Guest(string name, int target, int floor, int ceiling = 512, int availableMib = 300) =>
        new(name, target, ceiling, floor, target * Mib, availableMib * Mib);
}
