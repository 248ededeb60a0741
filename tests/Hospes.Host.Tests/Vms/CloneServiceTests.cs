using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Tests.Machine;
using Hospes.Host.Tests.Storage;
using Hospes.Host.Vms;

namespace Hospes.Host.Tests.Vms;

/// <summary>`hospes clone`: each clone is made whole or not at all, and one failing leaves the others as they are.</summary>
public sealed class CloneServiceTests
{
    private static readonly CloneOrder ThreeClones = new("web-{i}", 3, Full: false, Start: false, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task AFailingOverlay_LeavesNoTraceOfItsClone_AndTheOthersIntact()
    {
        await using var store = await WithTemplateAsync();
        IReadOnlyList<string> names = store.Clones.PlanClones("golden", ThreeClones).Value;
        store.Img.FailCreate(2);
        var steps = new List<CloneProgress>();

        CloneProgress done = await store.Clones.CloneAsync("golden", ThreeClones, names, p => Record(steps, p), CancellationToken.None);

        Assert.Equal((CloneStep.Done, 3, 2, 1), (done.Step, done.Total, done.Created, done.Failed));
        CloneProgress failed = Assert.Single(steps, s => s.Step == CloneStep.Failed);
        string lost = failed.Name!;
        Assert.Contains("No space left on device", failed.Message, StringComparison.Ordinal);
        Assert.False(store.Floor.Vms.Find(lost).IsOk);
        Assert.DoesNotContain(store.Floor.Volumes.All(), v => v.Name.StartsWith(lost + "/", StringComparison.Ordinal));

        string[] made = [.. names.Where(n => n != lost)];
        Assert.All(made, n => Assert.True(store.Floor.Vms.Find(n).IsOk, n));
        VolumeRecord[] clones = [.. store.Floor.Volumes.All().Where(v => v.Kind == VolumeKind.VmDisk && made.Any(n => v.Name == n + "/xvda"))];
        Assert.Equal(2, clones.Length);
        Assert.All(clones, v => Assert.True(File.Exists(v.Path), v.Path));

        // The source VM and the two clones: no folder of the lost clone is left in the VMs' folder.
        string[] folders = [.. Directory.EnumerateDirectories(store.Floor.Options.VmsDir).Select(Path.GetFileName)!];
        Assert.Equal(store.Floor.Registry.Vms.Select(a => a.Record.Uuid.ToString()).Order(StringComparer.Ordinal), folders.Order(StringComparer.Ordinal));
        Assert.Equal(3, folders.Length);
    }

    [Fact]
    public async Task EveryCloneMade_IsReportedAsCreated_AndTheSummaryComesLast()
    {
        await using var store = await WithTemplateAsync();
        IReadOnlyList<string> names = store.Clones.PlanClones("golden", ThreeClones).Value;
        var steps = new List<CloneProgress>();

        CloneProgress done = await store.Clones.CloneAsync("golden", ThreeClones, names, p => Record(steps, p), CancellationToken.None);

        Assert.Equal(["web-1", "web-2", "web-3"], steps.Select(s => s.Name!).Order(StringComparer.Ordinal));
        Assert.All(steps, s => Assert.Equal(CloneStep.Created, s.Step));
        Assert.Equal((3, 0), (done.Created, done.Failed));
        Assert.Empty(done.Failures);
    }

    [Fact]
    public async Task TheRunsSteps_AreOnTheEventStream_TheSummaryAboutTheTemplate()
    {
        await using var store = await WithTemplateAsync();
        IReadOnlyList<string> names = store.Clones.PlanClones("golden", ThreeClones).Value;
        using EventSubscription events = store.Floor.Events.Subscribe(e => e.Type == HostEventTypes.Progress);

        await store.Clones.CloneAsync("golden", ThreeClones, names, _ => Task.CompletedTask, CancellationToken.None);

        HostEvent[] got = await HostEventsTests.ReadAsync(events, 4);
        Assert.Equal(["web-1", "web-2", "web-3"], got.Take(3).Select(e => e.Vm!).Order(StringComparer.Ordinal));
        Assert.Equal([1L, 2L, 3L], got.Take(3).Select(e => e.Done!.Value));
        Assert.All(got.Take(3), e => Assert.Equal(("clone", "created", 3L, "vms"), (e.Operation, e.Phase, e.Total!.Value, e.Unit)));
        HostEvent summary = got[3];
        Assert.Equal(("done", (string?)null, ("templates", "golden")), (summary.Phase, summary.Vm, summary.Object!.Value));
        Assert.Equal("clone of golden: 3 of 3 created, 0 ready, 0 failed", summary.Message);
    }

    [Fact]
    public async Task ManyClonesWithoutAPattern_AreRefused()
    {
        await using var store = await WithTemplateAsync();

        Result<IReadOnlyList<string>> plan = store.Clones.PlanClones("golden", ThreeClones with { Name = "web" });

        Assert.Equal(ErrorCode.InvalidArgument, plan.Error!.Code);
        Assert.Equal("cloning 3 VMs needs a name pattern with {i} (e.g. 'web-{i}'); 'web' would name them all alike", plan.Error!.Message);
    }

    [Fact]
    public async Task APatternWhoseLaterNamesAreTooLong_IsRefused_BeforeAnyCloneIsMade()
    {
        await using var store = await WithTemplateAsync();
        string pattern = new string('w', 58) + "-{i}";

        // With 60 w's, the 1st clone's name has 62 characters (it was the only one checked), the 100th has 64.
        Result<IReadOnlyList<string>> plan = store.Clones.PlanClones("golden", ThreeClones with { Name = new string('w', 60) + "-{i}", Count = 100 });

        Assert.Equal(ErrorCode.InvalidArgument, plan.Error!.Code);
        Assert.Equal($"clone name '{new string('w', 60)}-100' is not valid: the name is 64 characters long; at most 63 are allowed; shorten the pattern '{new string('w', 60)}-{{i}}'", plan.Error.Message);
        Assert.True(store.Clones.PlanClones("golden", ThreeClones with { Name = pattern, Count = 100 }).IsOk);
    }

    [Fact]
    public async Task AClonesOfATemplateThatDoesNotExist_AreNotFound()
    {
        await using var store = new StoreFloor();

        Assert.Equal(ErrorCode.NotFound, store.Clones.PlanClones("golden", ThreeClones).Error!.Code);
    }

    [Fact]
    public async Task StartedClonesOfATemplateWithNoKnownMarker_AreReadyOnceRunning_NotAfterAWaitOnAGuess()
    {
        await using var store = await WithTemplateAsync();
        Assert.Null(store.Floor.Volumes.FindTemplate("golden").Value.ReadyMarker);
        CloneOrder order = new("up-{i}", 2, Full: false, Start: true, TimeSpan.FromSeconds(30));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        CloneProgress done = await store.Clones.CloneAsync("golden", order, store.Clones.PlanClones("golden", order).Value, _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal((2, 2, 0), (done.Created, done.Ready, done.Failed));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.All(["up-1", "up-2"], n => Assert.Equal(VmState.Running, store.Floor.Vms.Find(n).Value.Record.State));
    }

    [Fact]
    public async Task AReadyMarkerGiven_IsWhatAStartedCloneWaitsFor()
    {
        await using var store = await WithTemplateAsync();
        CloneOrder order = new("m-{i}", 2, Full: false, Start: true, TimeSpan.FromSeconds(4), ReadyMarker: "BOOTED-OK");
        var steps = new List<CloneProgress>();

        // m-1's guest prints the marker once it runs; m-2's never does.
        Task printer = Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                if (store.Floor.Vms.Find("m-1") is { IsOk: true } found && found.Value.Pid is not null)
                {
                    await File.AppendAllTextAsync(found.Value.ConsoleLogPath, "booting\nBOOTED-OK\n");
                    return;
                }

                await Task.Delay(20);
            }
        });
        CloneProgress done = await store.Clones.CloneAsync("golden", order, store.Clones.PlanClones("golden", order).Value, p => Record(steps, p), CancellationToken.None);
        await printer;

        Assert.Equal((2, 1, 1), (done.Created, done.Ready, done.Failed));
        Assert.Contains(steps, s => s is { Step: CloneStep.Ready, Name: "m-1" });
        Assert.Equal("m-2: no 'BOOTED-OK' on its console within 4 s; it is still running, see `hospes console m-2 --show-log`", Assert.Single(done.Failures));
    }

    [Fact]
    public async Task AReadyMarkerOnManyLines_IsRefused()
    {
        await using var store = await WithTemplateAsync();

        Result<IReadOnlyList<string>> plan = store.Clones.PlanClones("golden", ThreeClones with { ReadyMarker = "a\nb" });

        Assert.Equal(ErrorCode.InvalidArgument, plan.Error!.Code);
    }

    /// <summary>A template "golden" made from a stopped VM "src" on the store image "base".</summary>
    private static async Task<StoreFloor> WithTemplateAsync()
    {
        var store = new StoreFloor();
        await store.ImageAsync("base");
        await store.VmOnAsync("src", "base");
        Assert.True((await store.Templates.CreateAsync("src", "golden", CancellationToken.None)).IsOk);
        return store;
    }

    private static Task Record(List<CloneProgress> steps, CloneProgress p)
    {
        lock (steps)
        {
            steps.Add(p);
        }

        return Task.CompletedTask;
    }
}
