using Hospes.Core.Vms;

namespace Hospes.Config.Reading.Vifs;

internal sealed class ParsedVif
{
    public VifSpec Spec { get; set; } = new();
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];

    /// <summary>Parameters that change nothing under QEMU (script=vif-bridge, type=ioemu): notes, shown with --verbose.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>type=ioemu: xm's mark of an emulated NIC for an HVM guest.</summary>
    public bool Ioemu { get; set; }

    public bool ModelGiven { get; set; }
}
