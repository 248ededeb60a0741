using System.Threading.Channels;

namespace Hospes.Host.Console;

/// <summary>One client's view of a VM console.</summary>
public sealed class ConsoleSession : IDisposable
{
    private readonly ConsoleHub _hub;
    private readonly Guid _id;

    internal ConsoleSession(ChannelReader<byte[]> output, ConsoleHub hub, Guid id)
    {
        Output = output;
        _hub = hub;
        _id = id;
    }

    /// <summary>What the guest writes; completes when the VM stops.</summary>
    public ChannelReader<byte[]> Output { get; }

    public Task WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct) => _hub.WriteAsync(input, ct);

    public void Dispose() => _hub.Detach(_id);
}
