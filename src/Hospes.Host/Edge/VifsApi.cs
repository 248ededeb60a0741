using Hospes.Config;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Network;
using Hospes.Host.State;
using Hospes.Host.Vms.Nics;

namespace Hospes.Host.Edge;

/// <summary>network-attach (the spec read as a config's vif entry, through the spec gate) and network-detach; network-list is <see cref="NetworksApi.ListVifs"/>.</summary>
public sealed class VifsApi
{
    private const string Origin = "network-attach";
    private readonly VifService _vifs;
    private readonly NetworkService _networks;
    private readonly UserSpecs _specs;

    internal VifsApi(VifService vifs, NetworkService networks, UserSpecs specs)
    {
        _vifs = vifs;
        _networks = networks;
        _specs = specs;
    }

    /// <summary>Reads the spec as xl does, checks it as a config's vif from <paramref name="caller"/>, then attaches it.</summary>
    public async Task<Result<VifInfo[]>> AttachAsync(string vm, VifAttachRequest request, Caller caller, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Spec))
        {
            return HospesError.Invalid($"network-attach {vm}: no vif spec; give one as xl takes it, e.g. 'bridge=default' or 'bridge=lab0,mac=52:54:00:12:34:56,ip=10.0.0.9'");
        }

        Result<VmRecord> found = _vifs.Find(vm);
        if (!found.IsOk)
        {
            return found.Error;
        }

        (VifSpec? vif, IReadOnlyList<string> errors, _) = XenDeviceReader.ReadVif(request.Spec);
        if (vif is null)
        {
            return new HospesError(ErrorCode.InvalidArgument, $"network-attach {vm}: {errors[0]}") { Details = [.. errors] };
        }

        // The gate of a config's vifs, on this vif: which networks and host bridges the caller may join.
        VmSpec spec = found.Value.Spec;
        string subject = $"vif {spec.Vifs.Count}";
        SpecProblem[] problems = [.. VmSpecValidator.Validate(spec with { Vifs = [.. spec.Vifs, vif] }, _specs.For(caller, Origin)).Where(p => p.Subject == subject)];
        if (problems.Length > 0)
        {
            return new HospesError(ErrorCode.InvalidArgument, $"network-attach {vm}: {problems[0]}") { Details = [.. problems.Select(p => p.ToString())] };
        }

        Result<VmRecord> done = await _vifs.AttachAsync(vm, vif, ct).ConfigureAwait(false);
        return done.IsOk ? List(vm) : done.Error;
    }

    public async Task<Result<VifInfo[]>> DetachAsync(string vm, string vif, CancellationToken ct)
    {
        Result<VmRecord> done = await _vifs.DetachAsync(vm, vif, ct).ConfigureAwait(false);
        return done.IsOk ? List(vm) : done.Error;
    }

    private Result<VifInfo[]> List(string vm) => ResultMap.Map(_networks.VifsOf(vm), vifs => vifs.Select(NetworkInfoFactory.Create).ToArray());
}
