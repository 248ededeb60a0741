namespace Hospes.Contracts;

public sealed record CreateVmResponse(VmInfo Vm, IReadOnlyList<Diagnostic> Warnings);
