using Hospes.Config;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Host.Vms.Disks;

namespace Hospes.Host.Edge;

/// <summary>A VM's disks as the API shows them: block-list, block-attach (the spec read as a config's disk entry, through the spec gate), block-detach.</summary>
public sealed class BlocksApi
{
    private const string Origin = "block-attach";
    private readonly BlockService _blocks;
    private readonly UserSpecs _specs;
    private readonly VmManager _vms;

    internal BlocksApi(BlockService blocks, UserSpecs specs, VmManager vms)
    {
        _blocks = blocks;
        _specs = specs;
        _vms = vms;
    }

    public Result<BlockInfo[]> List(string vm) => ResultMap.Map(_blocks.Find(vm), Create);

    /// <summary>Reads the spec as xl does, checks it as a config's disk from <paramref name="caller"/>, then attaches it.</summary>
    public async Task<Result<BlockInfo[]>> AttachAsync(string vm, BlockAttachRequest request, Caller caller, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Spec))
        {
            return HospesError.Invalid($"block-attach {vm}: no disk spec; give one as xl takes it, e.g. 'file:/srv/data.img,xvdb,w' or 'image:data,xvdb,w'");
        }

        Result<VmRecord> found = _blocks.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        VmSpecPolicy policy = _specs.For(caller, Origin);
        string baseDirectory = request.BaseDirectory is { } b && Path.IsPathRooted(b) ? b : "/";
        var options = new ConfigReadOptions { StrictHost = policy.HostPaths, Host = new HostFacts { Networks = _vms.NetworkExists } };
        (DiskSpec? disk, IReadOnlyList<ConfigDiagnostic> diagnostics) = XenDeviceReader.ReadDisk(request.Spec.Trim(), Origin, baseDirectory, options);
        if (disk is null)
        {
            ConfigDiagnostic first = diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
            return new HospesError(ErrorCode.InvalidArgument, $"block-attach {vm}: {first.Message}") { Details = [.. diagnostics.Select(d => d.Message)] };
        }

        // The gate of a config's disks, on this disk alone: what the caller may name of the host and the store.
        SpecProblem[] problems = [.. VmSpecValidator.Validate(found.Value.Spec with { Disks = [disk] }, policy).Where(p => p.Subject.StartsWith("disk", StringComparison.Ordinal))];
        if (problems.Length > 0)
        {
            return new HospesError(ErrorCode.InvalidArgument, $"block-attach {vm}: {problems[0]}") { Details = [.. problems.Select(p => p.ToString())] };
        }

        return ResultMap.Map(await _blocks.AttachAsync(vm, disk with { Source = request.Spec.Trim() }, ct).ConfigureAwait(false), Create);
    }

    public async Task<Result<BlockInfo[]>> DetachAsync(string vm, string vdev, CancellationToken ct) =>
        ResultMap.Map(await _blocks.DetachAsync(vm, vdev, ct).ConfigureAwait(false), Create);

    private static BlockInfo[] Create(VmRecord r) =>
    [
        .. r.Spec.Disks.Select(d => new BlockInfo
        {
            Vdev = d.Vdev,
            Target = d.Target,
            Format = d.Format,
            Mode = d.ReadOnly ? "r" : "w",
            Type = d.DeviceType == DiskDeviceType.Cdrom ? "cdrom" : "disk",
            Spec = d.Source,
        }),
    ];
}
