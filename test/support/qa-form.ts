// Test support: the evaluation form the browser tests of calibration score with: two yes/no items
// (one a compliance critical error, which zeroes the score) and a 0-4 scale of weight 2.
export const MONITOREO_FORM = {
  name: 'Monitoreo',
  bands: [{ label: 'mejorar', max: 60 }, { label: 'cumple', max: 85 }, { label: 'supera', max: 100 }],
  sections: [
    {
      id: 'atencion',
      title: 'Atención',
      items: [
        { id: 'saludo', label: 'Saluda con el guion', type: 'yes_no' },
        { id: 'datos', label: 'Verifica datos', type: 'yes_no', critical: 'compliance' },
        { id: 'solucion', label: 'Resuelve', type: 'scale', max: 4, weight: 2 },
      ],
    },
  ],
};
