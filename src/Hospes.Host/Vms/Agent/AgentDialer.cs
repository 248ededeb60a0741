using Hospes.Core.Errors;

namespace Hospes.Host.Vms.Agent;

/// <summary>Opens a stream to a VM's agent socket (<c>QgaClient.DialAsync</c>; tests: a fake agent).</summary>
internal delegate Task<Result<Stream>> AgentDialer(string socketPath, string vm, TimeSpan timeout, CancellationToken ct);
