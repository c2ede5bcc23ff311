namespace Analytics.Alerts.Detectors.Calibration;

/// <summary>
/// An exponentially weighted level and spread whose updates are clipped at a few spreads (Huber), so a
/// spike moves them by a bounded amount and a lasting shift moves them within about 1/alpha points.
/// The spread is the mean absolute deviation, about 0.8 standard deviations for Gaussian noise.
/// </summary>
internal struct RobustLevel
{
    public double Level;
    public double Spread;
    public long Count;

    /// <summary>Residual in spreads, or 0 before there is a spread to divide by.</summary>
    public readonly double Z(double value, double floor)
    {
        var spread = Math.Max(Spread, floor);
        return spread > 0 ? (value - Level) / (spread * 1.2533141373155) : 0;
    }

    public void Update(double value, double alpha, double clip)
    {
        if (Count == 0)
        {
            Level = value;
            Count = 1;
            return;
        }

        var residual = value - Level;
        var limit = Spread > 0 ? clip * Spread : Math.Abs(residual);
        var clipped = Math.Clamp(residual, -limit, limit);

        // Plain averages while the memory is still short, so the first points are not overweighted.
        Count++;
        var a = Math.Max(alpha, 1.0 / Count);
        Level += a * clipped;
        Spread += a * (Math.Abs(clipped) - Spread);
    }

    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(Level);
        writer.Write(Spread);
        writer.Write(Count);
    }

    public void Read(BinaryReader reader)
    {
        Level = reader.ReadDouble();
        Spread = reader.ReadDouble();
        Count = reader.ReadInt64();
    }
}
