using Hospes.Core.Errors;

namespace Hospes.Host.Machine;

/// <summary>The VMs of this host, read-only: how networks, memory and storage see them.</summary>
internal interface IVmDirectory
{
    /// <summary>Every VM, by name.</summary>
    IReadOnlyList<IVm> All { get; }

    /// <summary>A VM by name or uuid; NotFound says how to list them.</summary>
    Result<IVm> Find(string nameOrUuid);
}
