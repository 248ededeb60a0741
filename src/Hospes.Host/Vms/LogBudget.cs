namespace Hospes.Host.Vms;

/// <summary>
/// How many lines of one kind a guest may put into hospesd's log per window: what a guest drives (a reset loop, a
/// console flood) must not grow hospesd's log without bound. The first line after a window in which lines were held
/// back says how many.
/// </summary>
internal sealed class LogBudget(int perWindow, TimeSpan window)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _taken;
    private int _heldBack;

    /// <summary>Whether a line may be logged at <paramref name="now"/>; <paramref name="heldBack"/>: lines held back before it since the last one logged.</summary>
    public bool TryTake(DateTimeOffset now, out int heldBack)
    {
        lock (_gate)
        {
            if (now - _windowStart >= window)
            {
                _windowStart = now;
                _taken = 0;
            }

            if (_taken < perWindow)
            {
                _taken++;
                heldBack = _heldBack;
                _heldBack = 0;
                return true;
            }

            _heldBack++;
            heldBack = 0;
            return false;
        }
    }
}
