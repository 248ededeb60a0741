using Hospes.Host.Settings;
using Microsoft.Extensions.Logging;

namespace Hospes.Host.Edge;

public sealed partial class ClusterForwarding
{
    [LoggerMessage(EventId = LogEvents.ClusterForwarded, Level = LogLevel.Information, Message = "{Action} for {Caller} forwarded to host {Host}: {Status}")]
    public partial void LogForwarded(string action, string caller, string host, int status);

    [LoggerMessage(EventId = LogEvents.ClusterForwardRefused, Level = LogLevel.Warning, Message = "a forwarded request from {Address} refused: {Why}")]
    private partial void LogEnvelopeRefused(string address, string why);

    [LoggerMessage(EventId = LogEvents.ClusterPlaced, Level = LogLevel.Information, Message = "VM {Vm} placed on host {Host}")]
    public partial void LogPlaced(string vm, string host);

    [LoggerMessage(EventId = LogEvents.ClusterListPartial, Level = LogLevel.Warning, Message = "the cluster-wide list has no answer from host {Host}: {Why}")]
    private partial void LogListPartial(string host, string why);
}
