using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Sessions;

internal enum PlayerState : byte
{
    /// <summary>No beacon applied yet.</summary>
    New,

    /// <summary>After play_request, before the first frame.</summary>
    Starting,
    Playing,
    Paused,
    Rebuffering,
    Ended,
}

internal enum SessionEndReason : byte
{
    None,
    EndEvent,
    FatalError,
    Timeout,
}

/// <summary>The fixed rules sessions of one partition follow.</summary>
internal sealed class SessionRules
{
    public SessionRules(WindowSizes sizes, long timeoutMs)
    {
        Sizes = sizes;
        TimeoutMs = timeoutMs;
    }

    public WindowSizes Sizes { get; }

    public long TimeoutMs { get; }
}

/// <summary>
/// Where a session's contributions go: the partition's windows, with a sign (+1 to add, −1 to retract)
/// and a cutoff before which nothing is written (those windows are final and already agree).
/// A disabled emission runs the state machine silently, to fold old beacons into a session's base.
/// </summary>
internal readonly struct Emission
{
    public Emission(WindowStore store, SessionDims dims, int sign, long cutoff)
    {
        Store = store;
        Dims = dims;
        Sign = sign;
        Cutoff = cutoff;
    }

    public WindowStore? Store { get; }

    public SessionDims? Dims { get; }

    public int Sign { get; }

    public long Cutoff { get; }

    public static Emission Silent => default;

    public void Point(long t, in Contribution c)
    {
        if (Store is not null && t >= Cutoff)
        {
            Store.Apply(c, t, Sign, Dims!);
        }
    }

    public void PieceForSize(int sizeIndex, long t, in Contribution c)
    {
        if (Store is not null && t >= Cutoff)
        {
            Store.ApplyToSize(sizeIndex, c, t, Sign, Dims!);
        }
    }
}

/// <summary>
/// The player state machine of one session (docs/metrics.md). It is a value type so that a session can
/// keep a base copy to replay from; every method is a deterministic function of the state and the
/// beacons applied in <see cref="SessionEvent.Compare"/> order.
/// </summary>
internal struct SessionCore
{
    public long FirstTs;
    public long LastTs;
    public long AttributedTo;
    public long PlayRequestTs;
    public long FirstFrameTs;
    public long EndTs;
    public long BitrateKbpsMs;
    public long Bytes;
    public long CacheHitBytes;
    // The pane (start ÷ pane) of the last piece counted as a concurrent play; every window size is a
    // multiple of the pane, so it gives the last window of each size. An int until 2038.
    public int LastActivePane;
    public uint FatalErrorCodeId;
    public int PlayingMs;
    public int RebufferMs;
    public int SeekRebufferMs;
    public int PausedMs;
    public int BitrateKbps;
    public int Beacons;
    public short Rebuffers;
    public short SeekRebuffers;
    public short BitrateSwitches;
    public short Errors;
    public PlayerState State;
    public SessionEndReason EndReason;
    public bool HasPlayRequest;
    public bool Started;
    public bool SeekPending;
    public bool RebufferIsSeek;

    public readonly bool IsEnded => State == PlayerState.Ended;

    public readonly string? FatalErrorCode => ErrorCodes.Lookup(FatalErrorCodeId);

    /// <summary>Whether the session is between its first frame and its end.</summary>
    public readonly bool InPlay => State is PlayerState.Playing or PlayerState.Paused or PlayerState.Rebuffering;

    public readonly long StartTimeMs => CountedPlay ? FirstFrameTs - PlayRequestTs : -1;

    /// <summary>Whether the session counted a play: its first frame followed its play request.</summary>
    public readonly bool CountedPlay => Started && HasPlayRequest;

    /// <summary>True when the session, still open, would be ended by the timeout at time <paramref name="until"/>.</summary>
    public readonly bool ExpiresBy(long until, SessionRules rules)
        => State is not (PlayerState.New or PlayerState.Ended) && until - LastTs >= rules.TimeoutMs;

    /// <summary>Applies one beacon; returns false when the session had already ended (the beacon is then orphaned).</summary>
    public bool Apply(in SessionEvent e, in Emission em, SessionRules rules)
    {
        if (State == PlayerState.New)
        {
            FirstTs = LastTs = AttributedTo = e.Ts;
            LastActivePane = int.MinValue;
        }
        else
        {
            if (State == PlayerState.Ended)
            {
                return false;
            }

            if (e.Ts - LastTs >= rules.TimeoutMs)
            {
                EndByTimeout(em);
                return false;
            }

            Attribute(e.Ts, em, rules);
            LastTs = Math.Max(LastTs, e.Ts);
        }

        Beacons++;
        Transition(e, em);
        return true;
    }

    /// <summary>
    /// Accounts the time up to <paramref name="until"/> in the current state, assuming the session is
    /// still alive; if the timeout has passed, ends it at its last beacon instead.
    /// </summary>
    public void AdvanceTo(long until, in Emission em, SessionRules rules)
    {
        // Nothing to account before what is already accounted (this also covers "no boundary swept yet").
        if (State is PlayerState.New or PlayerState.Ended || until <= AttributedTo)
        {
            return;
        }

        if (until - LastTs >= rules.TimeoutMs)
        {
            EndByTimeout(em);
            return;
        }

        Attribute(until, em, rules);
    }

    private void Transition(in SessionEvent e, in Emission em)
    {
        var t = e.Ts;

        // A session first seen mid-playback (its start was lost or predates us) is treated as playing.
        if (State == PlayerState.New && e.Type is not (EventType.PlayRequest or EventType.FirstFrame or EventType.End) && !(e.Type == EventType.Error && e.Fatal))
        {
            Started = true;
            State = PlayerState.Playing;
            BitrateKbps = e.BitrateKbps;
        }

        switch (e.Type)
        {
            case EventType.PlayRequest:
                if (State == PlayerState.New)
                {
                    State = PlayerState.Starting;
                    HasPlayRequest = true;
                    PlayRequestTs = t;
                    em.Point(t, Contribution.Attempt);
                }

                break;

            case EventType.FirstFrame:
                if (State is PlayerState.New or PlayerState.Starting)
                {
                    Started = true;
                    FirstFrameTs = t;
                    State = PlayerState.Playing;
                    BitrateKbps = e.BitrateKbps;
                    if (HasPlayRequest)
                    {
                        em.Point(t, Contribution.Play(t - PlayRequestTs));
                    }
                }

                break;

            case EventType.Heartbeat:
                if (e.Bytes > 0)
                {
                    Bytes += e.Bytes;
                    if (e.CacheHit == 1)
                    {
                        CacheHitBytes += e.Bytes;
                    }

                    em.Point(t, Contribution.Delivered(e.Bytes, e.CacheHit == 1));
                }

                if (e.BitrateKbps > 0)
                {
                    BitrateKbps = e.BitrateKbps;
                }

                break;

            case EventType.RebufferStart:
                if (State is PlayerState.Playing or PlayerState.Paused)
                {
                    State = PlayerState.Rebuffering;
                    RebufferIsSeek = SeekPending;
                    Rebuffers++;
                    if (RebufferIsSeek)
                    {
                        SeekRebuffers++;
                    }

                    em.Point(t, Contribution.RebufferStart(RebufferIsSeek));
                }

                break;

            case EventType.RebufferEnd:
                if (State == PlayerState.Rebuffering)
                {
                    State = PlayerState.Playing;
                    RebufferIsSeek = false;
                }

                break;

            case EventType.BitrateChange:
                if (Started && e.BitrateKbps != BitrateKbps)
                {
                    BitrateSwitches++;
                    em.Point(t, Contribution.BitrateSwitch);
                }

                BitrateKbps = e.BitrateKbps;
                break;

            case EventType.Seek:
                if (Started)
                {
                    SeekPending = true;
                    return;
                }

                break;

            case EventType.Pause:
                if (State is PlayerState.Playing or PlayerState.Rebuffering)
                {
                    State = PlayerState.Paused;
                    RebufferIsSeek = false;
                }

                break;

            case EventType.Resume:
                if (State == PlayerState.Paused)
                {
                    State = PlayerState.Playing;
                }

                break;

            case EventType.Error:
                Errors++;
                em.Point(t, Contribution.Error(e.ErrorCode ?? string.Empty, e.Fatal));
                if (e.Fatal)
                {
                    FatalErrorCodeId = ErrorCodes.Intern(e.ErrorCode);
                    // A failure counts only against a counted play, so vpf_rate = failures / plays is a
                    // true ratio: a session joined mid-playback has no play, and its failure is an error only.
                    if (CountedPlay)
                    {
                        em.Point(t, Contribution.PlaybackFailure);
                    }
                    else if (HasPlayRequest && !Started)
                    {
                        em.Point(t, Contribution.VideoStartFailure);
                    }

                    End(SessionEndReason.FatalError, t);
                }

                break;

            case EventType.End:
                if (!Started && HasPlayRequest)
                {
                    em.Point(t, Contribution.ExitBeforeVideoStart);
                }

                End(SessionEndReason.EndEvent, t);
                break;
        }

        // A stall counts as seek-induced only when it directly follows the seek.
        SeekPending = false;
    }

    private void EndByTimeout(in Emission em)
    {
        if (State == PlayerState.Starting && HasPlayRequest)
        {
            em.Point(LastTs, Contribution.ExitBeforeVideoStart);
        }

        End(SessionEndReason.Timeout, LastTs);
    }

    private void End(SessionEndReason reason, long t)
    {
        State = PlayerState.Ended;
        EndReason = reason;
        EndTs = t;
        AttributedTo = Math.Max(AttributedTo, t);
    }

    /// <summary>Accounts [AttributedTo, to) in the current state, split at pane boundaries so every piece lies in one window of each size.</summary>
    private void Attribute(long to, in Emission em, SessionRules rules)
    {
        var from = AttributedTo;
        if (to <= from)
        {
            return;
        }

        AttributedTo = to;
        if (!InPlay)
        {
            return;
        }

        var sizes = rules.Sizes;
        var pane = sizes.PaneMs;
        var p = from;
        while (p < to)
        {
            var next = Math.Min(to, EventTime.Floor(p, pane) + pane);
            var ms = next - p;
            switch (State)
            {
                case PlayerState.Playing:
                    PlayingMs += (int)ms;
                    BitrateKbpsMs += ms * BitrateKbps;
                    em.Point(p, Contribution.Playing(ms, BitrateKbps));
                    break;
                case PlayerState.Rebuffering:
                    RebufferMs += (int)ms;
                    if (RebufferIsSeek)
                    {
                        SeekRebufferMs += (int)ms;
                    }

                    em.Point(p, Contribution.Rebuffering(ms, RebufferIsSeek));
                    break;
                case PlayerState.Paused:
                    PausedMs += (int)ms;
                    break;
            }

            // A session counts once per window: only a piece in a new pane can enter a new window.
            var paneIndex = (int)(EventTime.Floor(p, pane) / pane);
            if (paneIndex != LastActivePane)
            {
                var lastStart = LastActivePane == int.MinValue ? long.MinValue : (long)LastActivePane * pane;
                LastActivePane = paneIndex;
                for (var s = 0; s < sizes.Count; s++)
                {
                    var size = sizes.Sizes[s];
                    if (lastStart == long.MinValue || EventTime.Floor(lastStart, size) != EventTime.Floor(p, size))
                    {
                        em.PieceForSize(s, p, Contribution.ConcurrentPlay);
                    }
                }
            }

            p = next;
        }
    }
}
