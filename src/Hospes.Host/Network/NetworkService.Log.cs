using Microsoft.Extensions.Logging;

namespace Hospes.Host.Network;

internal sealed partial class NetworkService
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "networks: {Problem}")]
    private partial void LogStartupProblem(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "network {Name} created: bridge {Bridge}, {Subnet}, {Mode}")]
    private partial void LogCreated(string name, string bridge, string subnet, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "network {Name} deleted")]
    private partial void LogDeleted(string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "port forward {HostPort}/{Protocol} -> {Vm}:{GuestPort} is not installed: {Why}; remove it or free the port")]
    private partial void LogForwardLeftOut(int hostPort, string protocol, string vm, int guestPort, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "network repair: {Thing} {Name}: {Why}")]
    private partial void LogRepair(string thing, string name, string why);
}
