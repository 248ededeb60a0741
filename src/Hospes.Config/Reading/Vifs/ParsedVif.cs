using Hospes.Core.Vms;

namespace Hospes.Config.Reading.Vifs;

internal sealed class ParsedVif
{
    public VifSpec Spec { get; set; } = new();
    public List<string> Errors { get; } = [];
    public List<string> Warnings { get; } = [];
}
