using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Hospes.Qemu.Qmp;

/// <summary>
/// A QMP session as its users see it: commands by name, events on a channel, its end. The typed commands are
/// extension methods over this interface, so a test can stand in for QEMU by answering commands by name.
/// </summary>
public interface IQmp : IAsyncDisposable
{
    /// <summary>QEMU's version from the greeting, e.g. 10.0.2.</summary>
    Version QemuVersion { get; }

    /// <summary>Completes when the session ends, for whatever reason.</summary>
    Task Closed { get; }

    ChannelReader<QmpEvent> Events { get; }

    /// <summary>
    /// Runs one command; returns its "return" value or throws <see cref="QmpException"/> (QEMU refused),
    /// <see cref="QmpDisconnectedException"/> (the session ended) or <see cref="TimeoutException"/>.
    /// <paramref name="logged"/> false keeps a frequent poll out of the VM's QMP log.
    /// </summary>
    Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments, bool logged, TimeSpan? timeout = null, CancellationToken ct = default);

    /// <summary>
    /// Runs one command with <paramref name="fd"/> passed along (SCM_RIGHTS): QEMU gets its own copy, for add-fd or
    /// getfd. How an unprivileged QEMU gets a file it could not open itself.
    /// </summary>
    Task<JsonElement> ExecuteWithFdAsync(string command, JsonObject? arguments, SafeHandle fd, CancellationToken ct = default);
}
