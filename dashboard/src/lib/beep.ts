// A short alert sound made with WebAudio (no audio file to ship or to block). Browsers keep an
// AudioContext suspended until a user gesture; kiosk browsers should run with an autoplay policy
// that allows sound (Chromium: --autoplay-policy=no-user-gesture-required). Each attempt is
// counted in `window.__tableroBeeps` so browser tests can see it even without audio output.

let ctx: AudioContext | null = null;

export function beep(durationMs = 400, frequencyHz = 880): void {
  window.__tableroBeeps = (window.__tableroBeeps ?? 0) + 1;
  try {
    ctx ??= new AudioContext();
    void ctx.resume().catch(() => {});
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = frequencyHz;
    const t = ctx.currentTime;
    gain.gain.setValueAtTime(0.2, t);
    // Two pulses: distinct from a phone ring, short enough not to annoy a room.
    gain.gain.setValueAtTime(0, t + durationMs / 2000);
    gain.gain.setValueAtTime(0.2, t + durationMs / 1500);
    gain.gain.setValueAtTime(0, t + durationMs / 1000);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + durationMs / 1000);
  } catch {
    // No audio device or WebAudio disabled: the flash still shows the alert.
  }
}
