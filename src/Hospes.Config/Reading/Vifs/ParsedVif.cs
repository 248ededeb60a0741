using Hospes.Core.Vms;

namespace Hospes.Config.Reading.Vifs;

internal sealed class ParsedVif
{
    public VifSpec Spec { get; set; } = new();
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];

    /// <summary>Parameters that change nothing under QEMU (script=vif-bridge, type=ioemu): notes, shown with --verbose.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>type= (ioemu, vif, netfront), lower-case; null when not given. ioemu marks an emulated NIC.</summary>
    public string? Type { get; set; }

    /// <summary>script=vif-openvswitch: the bridge is an Open vSwitch one.</summary>
    public bool OpenVswitch { get; set; }

    public bool ModelGiven { get; set; }
}
