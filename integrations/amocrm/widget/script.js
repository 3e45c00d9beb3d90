/*
 * PlanPilot widget for amoCRM / Kommo.
 *
 * In a lead card (lcard) it shows the lead's stage and its days there against the stage's usual
 * time, the owner's figures and PlanPilot's tasks about the lead; in the list of leads (llist) the
 * department's plan, won amount, forecast and attainment. Both come from the adapter's
 * GET /crm/amocrm/{connection}/widget, called with self.$authorizedAjax(): amoCRM adds the
 * X-Auth-Token header (a JWT signed with the integration's secret key) that the adapter checks.
 * The adapter allows the account's own origin (CORS), so the call goes straight from the page.
 */
define(['jquery'], function ($) {
  'use strict';

  var CustomWidget = function () {
    var self = this;

    /** A text of i18n/<lang>.json by its dotted key, e.g. t('figures.stage'). */
    function t(key) {
      var value = self.langs;
      var parts = key.split('.');
      for (var i = 0; i < parts.length; i++) {
        value = value && value[parts[i]];
      }
      return typeof value === 'string' ? value : key;
    }

    function escape(text) {
      return $('<div>').text(text === null || text === undefined ? '' : String(text)).html();
    }

    function number(value, digits) {
      if (value === null || value === undefined) {
        return '—';
      }
      var n = Number(value);
      return isNaN(n) ? escape(value) : n.toLocaleString(undefined, {maximumFractionDigits: digits === undefined ? 0 : digits});
    }

    function percent(value) {
      return value === null || value === undefined ? '—' : number(Number(value) * 100, 0) + '%';
    }

    function row(label, value) {
      return '<div class="planpilot-widget__row"><span class="planpilot-widget__label">' + escape(label)
        + '</span> <b>' + value + '</b></div>';
    }

    function settings() {
      var s = self.get_settings() || {};
      var base = (s.adapter_url || '').replace(/\/+$/, '');
      var connection = s.connection || '';
      return base && connection ? {base: base, connection: connection} : null;
    }

    function show(html) {
      self.render_template({
        caption: {class_name: 'planpilot-widget__caption'},
        body: '<div class="planpilot-widget">' + html + '</div>'
      });
    }

    function link(answer) {
      return answer.link
        ? '<div class="planpilot-widget__row"><a href="' + escape(answer.link) + '" target="_blank" rel="noopener">'
          + escape(t('figures.open_dashboard')) + '</a></div>'
        : '';
    }

    function leadView(answer) {
      var lead = answer.lead || {};
      var html = '';
      if (lead.state === 'OPEN') {
        var stage = lead.stage || {};
        var days = number(lead.daysInStage, 1);
        var norm = lead.stageNorm
          ? ' (' + escape(t('figures.norm')) + ' ' + number(lead.stageNorm.days, 1) + ')'
          : ' (' + escape(t('figures.no_norm')) + ')';
        var over = lead.overNorm ? ' <span class="planpilot-widget__warn">' + escape(t('figures.over_norm')) + '</span>' : '';
        html += row(t('figures.stage'), escape(stage.name || stage.id));
        html += row(t('figures.days_in_stage'), days + norm + over);
      } else if (lead.state === 'WON') {
        html += row(t('figures.stage'), escape(t('figures.won_lead')));
      } else {
        html += '<div class="planpilot-widget__row">' + escape(t('figures.not_tracked')) + '</div>';
      }
      var owner = answer.owner;
      if (owner) {
        html += row(t('figures.owner'), escape(owner.name || owner.key));
        html += row(t('figures.won'), number(owner.wonAmount) + ' ' + escape(answer.currency) + ' / ' + number(owner.wonCount));
        html += row(t('figures.win_rate'), percent(owner.winRate));
        html += row(t('figures.overdue'), number(owner.overdueTasks));
      }
      var actions = answer.actions || [];
      html += '<div class="planpilot-widget__row"><span class="planpilot-widget__label">' + escape(t('figures.actions'))
        + '</span>' + (actions.length ? '' : ' ' + escape(t('figures.no_actions'))) + '</div>';
      if (actions.length) {
        html += '<ul class="planpilot-widget__actions">' + actions.map(function (action) {
          return '<li>' + escape(action.title) + '</li>';
        }).join('') + '</ul>';
      }
      return html + link(answer);
    }

    function departmentView(answer) {
      var d = answer.department || {};
      var currency = ' ' + escape(answer.currency);
      return '<div class="planpilot-widget__row"><b>' + escape(t('figures.department')) + '</b></div>'
        + row(t('figures.plan'), d.plan === null || d.plan === undefined ? '—' : number(d.plan) + currency)
        + row(t('figures.won'), number(d.wonAmount) + currency)
        + row(t('figures.forecast'), d.forecast === null || d.forecast === undefined ? '—' : number(d.forecast) + currency)
        + row(t('figures.attainment'), percent(d.attainment))
        + link(answer);
    }

    function load(leadId) {
      var where = settings();
      if (!where) {
        show(escape(t('figures.not_configured')));
        return;
      }
      show(escape(t('figures.loading')));
      var url = where.base + '/crm/amocrm/' + encodeURIComponent(where.connection) + '/widget'
        + (leadId ? '?lead=' + encodeURIComponent(leadId) : '');
      self.$authorizedAjax({url: url, type: 'GET', dataType: 'json'})
        .done(function (answer) {
          show(leadId ? leadView(answer) : departmentView(answer));
        })
        .fail(function (xhr) {
          show(escape(xhr && xhr.status === 401 ? t('figures.refused') : t('figures.error')));
        });
    }

    this.callbacks = {
      settings: function () {
        return true;
      },
      init: function () {
        return true;
      },
      bind_actions: function () {
        return true;
      },
      render: function () {
        var area = self.system().area;
        if (area === 'lcard') {
          var card = (window.APP || window.AMOCRM || {}).data || {};
          var id = card.current_card && card.current_card.id;
          if (id) {
            load(String(id));
          } else {
            show(escape(t('figures.not_tracked'))); // a new lead, not saved yet
          }
        } else if (area === 'llist') {
          load(null);
        }
        return true;
      },
      onSave: function () {
        return true;
      },
      destroy: function () {
      }
    };
    return this;
  };

  return CustomWidget;
});
