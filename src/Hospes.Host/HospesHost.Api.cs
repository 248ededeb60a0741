using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Console;
using Hospes.Host.Machine;
using Hospes.Host.State;
using Hospes.Host.Vms;

namespace Hospes.Host;

/// <summary>What the API layer may ask of the host: wire types in, wire types or errors out.</summary>
public sealed partial class HospesHost
{
    public Task<HostInfo> HostInfoAsync() => HostInfoFactory.CreateAsync(this);

    public IReadOnlyList<VmInfo> ListVms() => [.. Vms.All.Select(a => VmInfoFactory.Create(a, Context))];

    public Result<VmInfo> GetVm(string name) => Map(Vms.Find(name), a => VmInfoFactory.Create(a, Context));

    public Task<Result<CreateVmResponse>> CreateVmAsync(CreateVmRequest request, CancellationToken ct) => Vms.CreateAsync(request, ct);

    public static ConfigCheckResponse CheckConfig(ConfigRequest request) => VmManager.Check(request);

    public Task<Result<VmInfo>> StartVmAsync(string name) => Run(name, a => a.StartAsync());

    public Task<Result<VmInfo>> PauseVmAsync(string name) => Run(name, a => a.PauseAsync());

    public Task<Result<VmInfo>> UnpauseVmAsync(string name) => Run(name, a => a.UnpauseAsync());

    public Task<Result<VmInfo>> DestroyVmAsync(string name) => Run(name, a => a.DestroyAsync());

    public Task<Result<VmInfo>> ShutdownVmAsync(string name, ShutdownRequest request, CancellationToken ct) =>
        Run(name, a => VmLifecycle.ShutdownAsync(a, request, ct));

    public Task<Result<VmInfo>> RebootVmAsync(string name, ShutdownRequest request, CancellationToken ct) =>
        Run(name, a => VmLifecycle.RebootAsync(a, request, ct));

    public Task<Result<VmInfo>> SaveVmAsync(string name, SaveRequest request) => Run(name, a => a.SaveAsync(request.Path));

    public Task<Result<VmInfo>> RestoreVmAsync(RestoreRequest request, CancellationToken ct) => Vms.RestoreAsync(request, ct);

    public Task<Result<VmInfo>> DeleteVmAsync(string name, bool force, CancellationToken ct) => Vms.DeleteAsync(name, force, ct);

    public Result<string> ConsoleLogPath(string name) => Map(Vms.Find(name), a => a.ConsoleLogPath);

    public async Task<Result<ConsoleSession>> AttachConsoleAsync(string name, CancellationToken ct)
    {
        Result<VmActor> actor = Vms.Find(name);
        return actor.IsOk ? await actor.Value.AttachConsoleAsync(ct).ConfigureAwait(false) : actor.Error;
    }

    public IReadOnlyList<ImageInfo> ListImages() => Images.List();

    public Result<ImageInfo> GetImage(string name) => Images.Find(name);

    public Task<Result<ImageBuildResponse>> BuildImageAsync(ImageBuildRequest request, CancellationToken ct) => Images.BuildAsync(request, ct);

    private async Task<Result<VmInfo>> Run(string name, Func<VmActor, Task<Result<VmRecord>>> operation)
    {
        Result<VmActor> actor = Vms.Find(name);
        if (!actor.IsOk)
        {
            return actor.Error;
        }

        Result<VmRecord> done = await operation(actor.Value).ConfigureAwait(false);
        return done.IsOk ? VmInfoFactory.Create(actor.Value, Context) : done.Error;
    }

    private static Result<TOut> Map<TIn, TOut>(Result<TIn> input, Func<TIn, TOut> map) => input.IsOk ? map(input.Value) : input.Error;
}
