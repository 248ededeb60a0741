using Hospes.Core.Files;
using Microsoft.Extensions.Logging;

namespace Hospes.Api.Access;

/// <summary>
/// The unix socket is root's and, when the host has group hospes-admin, that group's (mode 0660), so its members can
/// connect; the access middleware then checks every connection's peer credentials anyway. Without the group it stays
/// root:root and only root connects.
/// </summary>
internal static partial class SocketGroup
{
    public static void Give(string socket, UnixAccounts accounts, ILogger log)
    {
        if (accounts.AdminGid() is not { } gid)
        {
            return;
        }

        try
        {
            FileOwner.Set(socket, 0, gid);
            LogGiven(log, socket, UnixAccounts.AdminGroup);
        }
        catch (IOException e)
        {
            LogNotGiven(log, socket, UnixAccounts.AdminGroup, e.Message);
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "the socket {Socket} is open to group {Group}")]
    private static partial void LogGiven(ILogger logger, string socket, string group);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "the socket {Socket} stays root's only: {Reason}; members of {Group} cannot connect")]
    private static partial void LogNotGiven(ILogger logger, string socket, string group, string reason);
}
