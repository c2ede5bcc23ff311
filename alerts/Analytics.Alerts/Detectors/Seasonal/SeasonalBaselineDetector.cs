using Analytics.Alerts.Detectors.Calibration;

namespace Analytics.Alerts.Detectors.Seasonal;

/// <summary>
/// Compares each point with the same time of day over the last days and the same time of week over the
/// last weeks (median of slot means, so one odd day does not move it), whichever has predicted this series
/// better lately. The residual, in robust spreads, is the surprise. This is the week-over-week comparison
/// streaming services use for play starts. Its calibrated rarity is combined with that of the recent
/// average rarity, so a sustained deviation scores even when no single point of it is a record.
/// </summary>
internal sealed class SeasonalBaselineDetector : IAnomalyDetector
{
    private readonly SeasonalOptions _options;
    private readonly SeasonProfile _daily;
    private readonly SeasonProfile _weekly;
    private double _dailyError;
    private double _weeklyError;
    private readonly float[] _slotSpread;
    private readonly byte[] _slotDays;
    private bool _openSlotJudged;
    private RobustLevel _residual;
    private readonly TailCalibrator _calibrator;
    private readonly TailCalibrator _evidenceCalibrator;
    private readonly double _evidenceCorrection;
    private double _evidence;

    public SeasonalBaselineDetector(SeasonalOptions? options = null)
    {
        _options = options ?? new SeasonalOptions();
        _options.Validate();
        _calibrator = new TailCalibrator(_options.Calibration);
        _evidenceCalibrator = new TailCalibrator(_options.Calibration);
        _evidenceCorrection = _options.EvidenceAlpha > 0 ? Math.Log10(2) : 0;
        var slotsPerDay = 1440 / _options.SlotMinutes;
        _daily = new SeasonProfile(slotsPerDay, _options.DailyCycles, 86_400_000);
        _weekly = new SeasonProfile(7 * 1440 / _options.WeeklySlotMinutes, _options.WeeklyCycles, 7 * 86_400_000L);
        _slotSpread = new float[slotsPerDay];
        _slotDays = new byte[slotsPerDay];
    }

    public string Name => "seasonal";

    public object Options => _options;

    public long MissingPoints { get; private set; }

    /// <summary>The last point's residual in robust standard deviations (0 while no profile predicts).</summary>
    public double LastZ { get; private set; }

    /// <summary>The last point's calibrated surprise in decades, which the ensemble combines.</summary>
    public double LastSurprise { get; private set; }

    public double Score(long timestampMs, double value)
    {
        if (!double.IsFinite(value))
        {
            MissingPoints++;
            return 0;
        }

        var closed = _daily.Observe(timestampMs, value);
        _weekly.Observe(timestampMs, value);
        if (closed >= 0)
        {
            // A slot's own spread counts once it has been judged through a whole pass.
            if (_openSlotJudged && _slotDays[closed] < byte.MaxValue)
            {
                _slotDays[closed]++;
            }

            _openSlotJudged = false;
        }

        var daily = _daily.Expected(timestampMs, _options.MinCycles);
        var weekly = _weekly.Expected(timestampMs, _options.MinCycles);
        var a = _options.SpreadAlpha;
        if (!double.IsNaN(daily))
        {
            _dailyError += a * (Math.Abs(value - daily) - _dailyError);
        }

        if (!double.IsNaN(weekly))
        {
            _weeklyError += a * (Math.Abs(value - weekly) - _weeklyError);
        }

        var expected = !double.IsNaN(weekly) && (double.IsNaN(daily) || _weeklyError <= _dailyError) ? weekly : daily;
        if (double.IsNaN(expected))
        {
            LastZ = 0;
            LastSurprise = 0;
            return 0;
        }

        // A slot that is always hard to predict (a sharp daily step inside it) is judged by its own spread.
        var residual = value - expected;
        var slot = _daily.SlotOf(timestampMs);
        var floor = Math.Max(_slotSpread[slot], 1e-12 * Math.Abs(expected));
        // A slot is judged only once its own spread has seen a whole pass of it on an earlier day.
        var judged = _residual.Count > 1 && _slotDays[slot] > 0;
        LastZ = judged ? _residual.Z(residual, floor) : 0;
        _openSlotJudged = true;
        var deviation = Math.Abs(residual - _residual.Level);
        var limit = _options.Clip * Math.Max(_residual.Spread, _slotSpread[slot]);
        // Starts at 0: until it has learnt a slot, the series-wide spread judges it.
        _slotSpread[slot] += (float)(_options.SlotSpreadAlpha * ((limit > 0 ? Math.Min(deviation, limit) : deviation) - _slotSpread[slot]));
        _residual.Update(residual, a, _options.Clip);
        if (!judged)
        {
            // The calibrators learn from judged points only: a history padded with the zeros of unjudged
            // ones makes the first judged surprises look far beyond anything seen.
            LastSurprise = 0;
            return 0;
        }

        var point = _calibrator.Update(TailScore.Decades(TailScore.NormalTwoSided(LastZ)));
        LastSurprise = point;
        if (_options.EvidenceAlpha > 0)
        {
            // The recent average rarity (a smoothed Fisher combination of the points' p-values), calibrated
            // on its own history; the stronger of the two looks pays for having looked twice.
            _evidence += _options.EvidenceAlpha * (point - _evidence);
            var sustained = _evidenceCalibrator.Update(_evidence);
            LastSurprise = Math.Max(Math.Max(point, sustained) - _evidenceCorrection, 0);
        }

        return TailScore.FromDecades(LastSurprise);
    }

    public void WriteState(BinaryWriter writer)
    {
        _daily.Write(writer);
        _weekly.Write(writer);
        writer.Write(_dailyError);
        writer.Write(_weeklyError);
        writer.WriteAll(_slotSpread);
        writer.Write(_slotDays);

        writer.Write(_openSlotJudged);
        _residual.Write(writer);
        _calibrator.Write(writer);
        _evidenceCalibrator.Write(writer);
        writer.Write(_evidence);
        writer.Write(MissingPoints);
    }

    public void ReadState(BinaryReader reader)
    {
        _daily.Read(reader);
        _weekly.Read(reader);
        _dailyError = reader.ReadDouble();
        _weeklyError = reader.ReadDouble();
        reader.ReadInto(_slotSpread);
        reader.ReadInto(_slotDays);

        _openSlotJudged = reader.ReadBoolean();
        _residual.Read(reader);
        _calibrator.Read(reader);
        _evidenceCalibrator.Read(reader);
        _evidence = reader.ReadDouble();
        MissingPoints = reader.ReadInt64();
    }
}
