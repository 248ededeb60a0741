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

    [LoggerMessage(EventId = LogEvents.ClusterClonesPlanned, Level = LogLevel.Information, Message = "{Count} clone(s) of template {Template} placed: {Hosts}")]
    private partial void LogClonesPlanned(string template, int count, string hosts);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateCopied, Level = LogLevel.Information, Message = "template {Template} copied to host {Host}: {Bytes} bytes in {Seconds:0.0} s")]
    private partial void LogTemplateCopied(string template, string host, long bytes, double seconds);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateCopyFailed, Level = LogLevel.Warning, Message = "template {Template} was not copied to host {Host}: {Why}")]
    private partial void LogTemplateCopyFailed(string template, string host, string why);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateReceived, Level = LogLevel.Information, Message = "template {Template} (made from VM {SourceVm}) received from another member, or found here already")]
    public partial void LogTemplateReceived(string template, string sourceVm);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateCopiesDeleted, Level = LogLevel.Information, Message = "template {Template}: the copies on {Hosts} deleted with it")]
    private partial void LogTemplateCopiesDeleted(string template, string hosts);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateCopyKept, Level = LogLevel.Warning, Message = "template {Template}: the copy on host {Host} was not deleted: {Why}")]
    private partial void LogTemplateCopyKept(string template, string host, string why);

    [LoggerMessage(EventId = LogEvents.ClusterEventsLost, Level = LogLevel.Warning, Message = "the cluster-wide event stream does not follow host {Host} for now: {Why}")]
    private partial void LogMemberEventsLost(string host, string why);

    [LoggerMessage(EventId = LogEvents.ClusterEventsBack, Level = LogLevel.Information, Message = "the cluster-wide event stream follows host {Host} again")]
    private partial void LogMemberEventsBack(string host);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateCopyRefreshed, Level = LogLevel.Information, Message = "template {Template}: this host's copy was older than host {Home}'s template and was refreshed before a clone run")]
    private partial void LogTemplateCopyRefreshed(string template, string home);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateHomeDown, Level = LogLevel.Warning, Message = "template {Template}: its home, host {Home}, did not answer ({Why}); a clone run uses this host's copy")]
    private partial void LogTemplateHomeDown(string template, string home, string why);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateOrphanDropped, Level = LogLevel.Information, Message = "template {Template}: this host's copy was deleted, its home host {Home} deleted the template")]
    private partial void LogTemplateOrphanDropped(string template, string home);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateOrphanKept, Level = LogLevel.Warning, Message = "template {Template}: its home host {Home} deleted the template; this host keeps its copy: {Why}")]
    private partial void LogTemplateOrphanKept(string template, string home, string why);

    [LoggerMessage(EventId = LogEvents.ClusterTemplateSweepFailed, Level = LogLevel.Warning, Message = "the template copies here were not checked with their homes: {Why}")]
    private partial void LogTemplateSweepFailed(string why);
}
