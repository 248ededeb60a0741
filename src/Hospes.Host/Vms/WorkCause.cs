namespace Hospes.Host.Vms;

/// <summary>
/// Why the work in a VM's queue changes it, as the event stream says: a client's command ("command", "destroy"), the
/// guest ("guest", "shutdown"), QEMU's own exit ("crash") or hospesd's own step ("hospesd").
/// </summary>
internal readonly record struct WorkCause(string Why, string? What);
