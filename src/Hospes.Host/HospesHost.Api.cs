using Hospes.Config;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Host.Console;
using Hospes.Host.Edge;
using Hospes.Host.State;
using Hospes.Host.Vms;

namespace Hospes.Host;

/// <summary>What the API layer may ask of the host: wire types in, wire types or errors out.</summary>
public sealed partial class HospesHost
{
    public Task<HostInfo> HostInfoAsync() => HostInfoFactory.CreateAsync(this);

    public IReadOnlyList<VmInfo> ListVms() => [.. Vms.All.Select(VmInfoFactory.Create)];

    public Result<VmInfo> GetVm(string name) => Map(Vms.Find(name), VmInfoFactory.Create);

    public async Task<Result<CreateVmResponse>> CreateVmAsync(CreateVmRequest request, CancellationToken ct)
    {
        Result<CreatedVm> created = await Creator.CreateAsync(Source(request.Source), request.Start, ct).ConfigureAwait(false);
        return Map(created, c => new CreateVmResponse(VmInfoFactory.Create(c.Vm), [.. c.Warnings.Select(DiagnosticFactory.Create)]));
    }

    public static ConfigCheckResponse CheckConfig(ConfigRequest request)
    {
        ConfigReadResult read = VmCreator.Check(Source(request));
        return new ConfigCheckResponse
        {
            Ok = !read.HasErrors,
            Diagnostics = [.. read.Diagnostics.Select(DiagnosticFactory.Create)],
            Spec = read.Spec is null ? null : WireSpec.ToWire(read.Spec),
            Normalized = read.Spec is null ? null : XenConfigWriter.Write(read.Spec),
        };
    }

    public Task<Result<VmInfo>> StartVmAsync(string name) => Run(name, a => a.RunAsync(Vms.Commands.Start()));

    public Task<Result<VmInfo>> PauseVmAsync(string name) => Run(name, a => a.RunAsync(VmCommands.Pause()));

    public Task<Result<VmInfo>> UnpauseVmAsync(string name) => Run(name, a => a.RunAsync(VmCommands.Unpause()));

    public Task<Result<VmInfo>> DestroyVmAsync(string name) => Run(name, a => a.RunAsync(Vms.Commands.Destroy()));

    public Task<Result<VmInfo>> ShutdownVmAsync(string name, ShutdownRequest request, CancellationToken ct) =>
        Run(name, a => VmLifecycle.ShutdownAsync(a, Vms.Commands, request.TimeoutS, request.Force, ct));

    public Task<Result<VmInfo>> RebootVmAsync(string name, ShutdownRequest request, CancellationToken ct) =>
        Run(name, a => VmLifecycle.RebootAsync(a, Vms.Commands, request.TimeoutS, ct));

    public Task<Result<VmInfo>> SaveVmAsync(string name, SaveRequest request) => Run(name, a => a.RunAsync(Vms.Commands.Save(request.Path)));

    public async Task<Result<VmInfo>> RestoreVmAsync(RestoreRequest request, CancellationToken ct) =>
        Map(await Vms.RestoreAsync(request.Path, request.Paused, ct).ConfigureAwait(false), VmInfoFactory.Create);

    public async Task<Result<VmInfo>> DeleteVmAsync(string name, bool force, CancellationToken ct) =>
        Map(await Vms.DeleteAsync(name, force, ct).ConfigureAwait(false), VmInfoFactory.Create);

    public Result<string> ConsoleLogPath(string name) => Map(Vms.Find(name), a => a.ConsoleLogPath);

    public async Task<Result<ConsoleSession>> AttachConsoleAsync(string name, CancellationToken ct)
    {
        Result<VmActor> actor = Vms.Find(name);
        return actor.IsOk ? await actor.Value.RunAsync(VmCommands.AttachConsole(), ct).ConfigureAwait(false) : actor.Error;
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
        return done.IsOk ? VmInfoFactory.Create(actor.Value) : done.Error;
    }

    private static XenConfigSource Source(ConfigRequest request) => new(request.Config, request.ConfigPath) { Overrides = request.Overrides };

    private static Result<TOut> Map<TIn, TOut>(Result<TIn> input, Func<TIn, TOut> map) => input.IsOk ? map(input.Value) : input.Error;
}
