namespace Hospes.Client.Transport;

/// <summary>Thrown by a connect callback: the request never left, whatever SocketsHttpHandler wraps around this.</summary>
internal sealed class ConnectFailedException(string message, Exception inner, bool timedOut = false) : IOException(message, inner)
{
    public bool TimedOut { get; } = timedOut;
}
