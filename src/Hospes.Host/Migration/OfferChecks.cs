using Hospes.Core.Errors;
using Hospes.Core.Vms;
using Hospes.Host.Machine;
using Hospes.Host.Memory;
using Hospes.Host.Network;
using Hospes.Host.Settings;
using Hospes.Host.State;
using Hospes.Host.Vms;
using Hospes.Qemu.Host;
using Hospes.Storage.Images;

namespace Hospes.Host.Migration;

/// <summary>
/// What a destination checks of an offer before it prepares anything: every check is answered even when one fails,
/// so the user fixes all in one go.
/// </summary>
internal sealed class OfferChecks(HostOptions options, HostRuntime runtime, ImageStore images, MemoryService memory, NetworkService networks, VmManager vms, TimeProvider time)
{
    /// <summary>
    /// The offer's spec through the one validator under this host's policy for other hosts' specs (#2): its vdevs name
    /// files here, its paths, bridges and PCI devices are this host's. Null when it may be used.
    /// </summary>
    public HospesError? Validate(MigrationOffer offer, string fromPeer) =>
        offer.Spec is null
            ? HospesError.Invalid($"the offer from {fromPeer} has no spec")
            : ForeignSpecs.Check(offer.Spec, options, networks.All, $"the offer from {fromPeer}",
                [.. (offer.MirroredDisks ?? []).OfType<MigratedDisk>().Select(d => d.Vdev), .. (offer.InlineDisks ?? new Dictionary<string, string>()).Keys]);

    public async Task<IReadOnlyList<MigrationCheck>> CheckAsync(MigrationOffer offer, IReadOnlyDictionary<string, MigratedDisk> mirrored)
    {
        VmSpec spec = offer.Spec;
        var checks = new List<MigrationCheck>();
        checks.Add(vms.Clash(spec) is { } clash ? new("name", false, clash.Message) : new("name", true, $"no VM named {spec.Name} or with its uuid here"));

        Result<QemuBinary> qemu = await runtime.QemuAsync().ConfigureAwait(false);
        if (!qemu.IsOk)
        {
            checks.Add(new("qemu", false, qemu.Error.Message));
        }
        else
        {
            Version mine = qemu.Value.Version;
            bool same = Version.TryParse(offer.QemuVersion, out Version? theirs) && theirs.Major == mine.Major && theirs.Minor == mine.Minor;
            checks.Add(same
                ? new("qemu", true, $"QEMU {mine} here, {offer.QemuVersion} there")
                : new("qemu", false, $"the source runs QEMU {offer.QemuVersion}, this host {mine}: their machine types differ; install the same QEMU version on both hosts"));
        }

        Result<Accelerator> accel = await runtime.ResolveAsync(spec.Accel).ConfigureAwait(false);
        string accelHere = accel.IsOk ? accel.Value.ToString().ToLowerInvariant() : "none";
        checks.Add(accelHere == offer.Accel
            ? new("cpu", true, accelHere == "kvm" && offer.CpuModel != HostMachine.CpuModel()
                ? $"kvm on both, but CPU {HostMachine.CpuModel()} here and {offer.CpuModel} there"
                : $"{accelHere} on both{(accelHere == "kvm" ? $", CPU {HostMachine.CpuModel()}" : " (QEMU's max CPU model)")}")
            : new("cpu", false, $"the guest runs under {offer.Accel} there and would run under {accelHere} here{(accel.IsOk ? "" : $" ({accel.Error.Message})")}; a guest cannot change accelerator while it runs"));
        if (accelHere == "kvm" && offer.Accel == "kvm" && offer.CpuModel != HostMachine.CpuModel())
        {
            checks[^1] = new("cpu", false, $"kvm runs the guest with the host's CPU (-cpu host): {offer.CpuModel} there, {HostMachine.CpuModel()} here; migrate between hosts with the same CPU");
        }

        // Boot files (image:NAME is this host's image of that name) and shared disks: they must be here already.
        VmSpec needed = spec with { Disks = [.. spec.Disks.Where(d => !mirrored.ContainsKey(d.Vdev) && !offer.InlineDisks.ContainsKey(d.Vdev))] };
        Result<ResolvedVm> resolved = SpecResolver.Resolve(needed, images);
        checks.Add(resolved.IsOk
            ? new("storage", true, needed.Disks.Count == 0 ? "no shared disks to find" : $"{string.Join(", ", needed.Disks.Select(d => d.Vdev))} found at the same paths")
            : new("storage", false, resolved.Error.Message));
        if (mirrored.Count > 0)
        {
            long need = mirrored.Values.Sum(d => d.VirtualSize);
            long free = new DriveInfo(options.StateDir).AvailableFreeSpace;
            checks.Add(need <= free
                ? new("disk space", true, $"{need >> 20} MiB of disks to copy, {free >> 20} MiB free in {options.StateDir}")
                : new("disk space", false, $"{need >> 20} MiB of disks to copy but only {free >> 20} MiB free in {options.StateDir}; free space or use shared storage"));
        }

        var record = new VmRecord { Spec = spec, CreatedAt = time.GetUtcNow() };
        Result<MemoryReservation> admitted = memory.Admit(record, offer.RamMib);
        if (admitted.IsOk)
        {
            admitted.Value.Dispose();
            checks.Add(new("memory", true, $"{offer.RamMib} MiB admitted"));
        }
        else
        {
            checks.Add(new("memory", false, admitted.Error.Message));
        }

        // The VM keeps its project; its quota does not refuse it (it runs already, admitted on the source), but the
        // project must exist here, or the VM would land in one nobody made.
        checks.Add(vms.Quotas.Missing(offer.Project) is { } noProject
            ? new("project", false, $"no project {offer.Project} on this host; create it here first: hospes project create {offer.Project}")
            : new("project", true, $"project {offer.Project} here"));

        Result<VmSpec> addressed = spec.Vifs.Count == 0 ? spec : networks.Assign(spec, [.. vms.All.Select(a => a.Record.Spec)]);
        checks.Add(addressed.IsOk
            ? new("network", true, spec.Vifs.Count == 0 ? "no vifs" : string.Join(", ", spec.Vifs.Select(v => $"{v.Mac} {v.Ip ?? ""} on {v.Source ?? v.Bridge ?? "default"}".Replace("  ", " ", StringComparison.Ordinal))))
            : new("network", false, addressed.Error.Message));
        return checks;
    }
}
